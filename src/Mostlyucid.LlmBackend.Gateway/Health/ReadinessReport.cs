using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Gateway.Health;

/// <summary>The body of <c>GET /health/ready</c>: only <see cref="Status"/> for callers without a key.</summary>
internal sealed class ReadinessReport
{
    [JsonPropertyName("status")]
    public string Status { get; set; } = "ready";

    /// <summary>Gets or sets how old the reachability results are, when a probe was asked for.</summary>
    [JsonPropertyName("probe_age_seconds")]
    public double? ProbeAgeSeconds { get; set; }

    [JsonPropertyName("backends")]
    public List<BackendReadiness>? Backends { get; set; }

    /// <summary>Gets or sets the shared state's reachability, when <c>LlmSettings:Redis</c> configures one.</summary>
    [JsonPropertyName("shared_state")]
    public SharedStateReadiness? SharedState { get; set; }
}
