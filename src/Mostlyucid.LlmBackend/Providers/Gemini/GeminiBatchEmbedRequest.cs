using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Gemini;

/// <summary>The body of <c>POST …/models/{model}:batchEmbedContents</c>: one request per text.</summary>
internal sealed class GeminiBatchEmbedRequest
{
    [JsonPropertyName("requests")]
    public List<GeminiEmbedContentRequest>? Requests { get; set; }
}
