using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Cohere;

/// <summary>A model in <c>GET /v1/models</c>.</summary>
internal sealed class CohereModel
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>Gets or sets the endpoints it works with (<c>chat</c>, <c>embed</c>, <c>rerank</c>, …).</summary>
    [JsonPropertyName("endpoints")]
    public List<string>? Endpoints { get; set; }

    [JsonPropertyName("context_length")]
    public double? ContextLength { get; set; }

    [JsonPropertyName("finetuned")]
    public bool? Finetuned { get; set; }
}
