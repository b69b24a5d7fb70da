using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.OpenAI;

/// <summary>One model of <c>GET /models</c>.</summary>
internal sealed class OpenAiModel
{
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("owned_by")]
    public string? OwnedBy { get; init; }
}
