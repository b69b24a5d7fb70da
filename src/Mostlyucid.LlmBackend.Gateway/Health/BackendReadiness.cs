using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Gateway.Health;

/// <summary>One backend in the readiness report.</summary>
internal sealed class BackendReadiness
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    [JsonPropertyName("type")]
    public string Type { get; set; } = string.Empty;

    [JsonPropertyName("status")]
    public string Status { get; set; } = string.Empty;

    [JsonPropertyName("healthy")]
    public bool Healthy { get; set; }

    /// <summary>Gets or sets the circuit breaker's state (Closed, Open, HalfOpen).</summary>
    [JsonPropertyName("circuit")]
    public string? Circuit { get; set; }

    [JsonPropertyName("reason")]
    public string? Reason { get; set; }

    [JsonPropertyName("reachable")]
    public bool? Reachable { get; set; }

    [JsonPropertyName("last_error")]
    public string? LastError { get; set; }
}
