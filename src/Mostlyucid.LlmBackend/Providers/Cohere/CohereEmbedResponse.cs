using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Cohere;

/// <summary>The body of a <c>POST /v2/embed</c> answer.</summary>
internal sealed class CohereEmbedResponse
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("embeddings")]
    public CohereEmbeddingsByType? Embeddings { get; set; }

    [JsonPropertyName("texts")]
    public List<string>? Texts { get; set; }

    [JsonPropertyName("meta")]
    public CohereEmbedMeta? Meta { get; set; }
}
