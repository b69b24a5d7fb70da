using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Cohere;

/// <summary>The body of <c>POST /v2/embed</c> for texts.</summary>
internal sealed class CohereEmbedRequest
{
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("texts")]
    public List<string>? Texts { get; set; }

    /// <summary>Gets or sets <c>search_document</c>, <c>search_query</c>, <c>classification</c> or <c>clustering</c> (required by v3+ models).</summary>
    [JsonPropertyName("input_type")]
    public string? InputType { get; set; }

    [JsonPropertyName("embedding_types")]
    public List<string>? EmbeddingTypes { get; set; }

    [JsonPropertyName("output_dimension")]
    public int? OutputDimension { get; set; }
}
