namespace Mostlyucid.LlmBackend.Gateway.Auth;

/// <summary>The authenticated caller of a request (or the anonymous caller when no keys are configured).</summary>
/// <param name="KeyName">The key's configured name; <c>anonymous</c> without keys.</param>
/// <param name="AllowedModels">The models the key may use; empty allows all.</param>
internal sealed record GatewayCaller(string KeyName, IReadOnlyList<string> AllowedModels)
{
    public static readonly GatewayCaller Anonymous = new("anonymous", Array.Empty<string>());

    public bool MayUse(string model) =>
        AllowedModels.Count == 0 || AllowedModels.Any(m => m == "*" || string.Equals(m, model, StringComparison.OrdinalIgnoreCase));
}
