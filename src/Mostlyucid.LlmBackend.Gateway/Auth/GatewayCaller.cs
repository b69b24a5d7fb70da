namespace Mostlyucid.LlmBackend.Gateway.Auth;

/// <summary>Who is calling, as the gate established it.</summary>
/// <param name="KeyName">The key's configured name; <c>anonymous</c> without keys; <c>unidentified</c> when no key was sent.</param>
/// <param name="AllowedModels">The models the key may use; empty allows all.</param>
/// <param name="IsAuthorized">
/// Whether the caller passed the gate's authorization: a valid key, or any local caller when no keys are configured.
/// An unidentified caller reaches only the endpoints open to anyone, and sees nothing a key protects there.
/// </param>
internal sealed record GatewayCaller(string KeyName, IReadOnlyList<string> AllowedModels, bool IsAuthorized = true)
{
    /// <summary>The caller when no keys are configured (the gateway then listens on loopback only).</summary>
    public static readonly GatewayCaller Anonymous = new("anonymous", Array.Empty<string>()) { IsAdmin = true };

    /// <summary>A caller who sent no key, where keys are required.</summary>
    public static readonly GatewayCaller Unidentified = new("unidentified", Array.Empty<string>(), IsAuthorized: false);

    /// <summary>Gets whether the caller may read everyone's usage and spend (an <c>Admin</c> key, or anyone local without keys).</summary>
    public bool IsAdmin { get; init; }

    /// <summary>Gets the caller's tokens-per-minute limit, if any.</summary>
    public int? MaxTokensPerMinute { get; init; }

    public bool MayUse(string model) =>
        IsAuthorized && (AllowedModels.Count == 0 || AllowedModels.Any(m => m == "*" || string.Equals(m, model, StringComparison.OrdinalIgnoreCase)));
}
