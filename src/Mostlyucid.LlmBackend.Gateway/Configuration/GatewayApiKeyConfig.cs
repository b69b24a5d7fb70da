namespace Mostlyucid.LlmBackend.Gateway.Configuration;

/// <summary>
/// One client key (<c>Gateway:ApiKeys</c>). Give the key's SHA-256 as <see cref="KeySha256"/> (preferred: the key itself
/// is then never in the configuration) or the key as <see cref="Key"/> (for example <c>${GATEWAY_KEY}</c>), which is
/// hashed at startup. Clients send it as <c>Authorization: Bearer</c> or <c>x-api-key</c>.
/// </summary>
public sealed class GatewayApiKeyConfig
{
    /// <summary>Gets or sets a name for logs and metrics (never the key).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets the key's SHA-256 as 64 hex characters (<c>printf %s KEY | sha256sum</c>).</summary>
    public string? KeySha256 { get; set; }

    /// <summary>Gets or sets the key itself (hashed at startup; prefer <see cref="KeySha256"/>).</summary>
    public string? Key { get; set; }

    /// <summary>Gets or sets the models (routes, backend names or configured models) the key may use; empty allows all.</summary>
    public List<string> AllowedModels { get; set; } = new();

    /// <summary>Gets or sets the most requests per minute the key may make; <see langword="null"/> for no limit.</summary>
    public int? MaxRequestsPerMinute { get; set; }
}
