using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Gateway.Health;

/// <summary>The shared state (Redis) in <c>GET /health/ready</c>: the gateway serves without it, so it never makes the gateway unready.</summary>
internal sealed class SharedStateReadiness
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    [JsonPropertyName("available")]
    public bool Available { get; set; }

    /// <summary>Gets or sets what unreachable Redis means for this gateway now (the cache is bypassed; limits fail open or closed).</summary>
    [JsonPropertyName("effect")]
    public string? Effect { get; set; }

    /// <summary>Gets or sets the last failure (never the password).</summary>
    [JsonPropertyName("last_error")]
    public string? LastError { get; set; }
}
