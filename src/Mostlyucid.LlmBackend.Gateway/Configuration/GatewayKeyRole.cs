namespace Mostlyucid.LlmBackend.Gateway.Configuration;

/// <summary>What a gateway key may do.</summary>
public enum GatewayKeyRole
{
    /// <summary>Call models (within its <c>AllowedModels</c>, limits and budget).</summary>
    Client,

    /// <summary>Call models, and read everyone's usage and spend on the <c>/admin/…</c> endpoints.</summary>
    Admin,
}
