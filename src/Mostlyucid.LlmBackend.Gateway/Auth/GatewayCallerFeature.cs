using Microsoft.AspNetCore.Http;

namespace Mostlyucid.LlmBackend.Gateway.Auth;

/// <summary>Carries the authenticated caller on the request.</summary>
internal static class GatewayCallerFeature
{
    private const string Key = "llmb.caller";

    public static void Set(HttpContext context, GatewayCaller caller) => context.Items[Key] = caller;

    public static GatewayCaller Get(HttpContext context) => context.Items.TryGetValue(Key, out var caller) && caller is GatewayCaller known ? known : GatewayCaller.Anonymous;
}
