using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Gateway.Health;

/// <summary>The body of <c>GET /health/ready</c>.</summary>
internal sealed class ReadinessReport
{
    [JsonPropertyName("status")]
    public string Status { get; set; } = "ready";

    [JsonPropertyName("backends")]
    public List<BackendReadiness> Backends { get; set; } = new();
}
