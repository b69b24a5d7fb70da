using Microsoft.AspNetCore.Http;

namespace Mostlyucid.LlmBackend.Gateway.Auth;

/// <summary>Carries the caller the gate established on the request.</summary>
internal static class GatewayCallerFeature
{
    private const string Key = "llmb.caller";

    public static void Set(HttpContext context, GatewayCaller caller) => context.Items[Key] = caller;

    /// <summary>Gets the caller; a request the gate did not admit is <see cref="GatewayCaller.Unidentified"/> (fail closed).</summary>
    public static GatewayCaller Get(HttpContext context) => context.Items.TryGetValue(Key, out var caller) && caller is GatewayCaller known ? known : GatewayCaller.Unidentified;
}
