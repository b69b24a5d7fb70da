using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Gemini;

/// <summary>The answer of <c>batchEmbedContents</c>: one embedding per request, in order.</summary>
internal sealed class GeminiBatchEmbedResponse
{
    [JsonPropertyName("embeddings")]
    public List<GeminiContentEmbedding>? Embeddings { get; set; }
}
