using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Gemini;

/// <summary>One page of <c>GET …/models</c>; <see cref="NextPageToken"/> asks for the next one.</summary>
internal sealed class GeminiModelList
{
    [JsonPropertyName("models")]
    public List<GeminiModel>? Models { get; set; }

    [JsonPropertyName("nextPageToken")]
    public string? NextPageToken { get; set; }
}
