using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.OpenAI;

/// <summary>The body of <c>POST /embeddings</c>.</summary>
internal sealed class OpenAiEmbeddingRequest
{
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    /// <summary>Gets or sets the input: a string, an array of strings (or token arrays, which the gateway rejects).</summary>
    [JsonPropertyName("input")]
    public JsonElement Input { get; set; }

    [JsonPropertyName("dimensions")]
    public int? Dimensions { get; set; }

    [JsonPropertyName("encoding_format")]
    public string? EncodingFormat { get; set; }

    [JsonPropertyName("user")]
    public string? User { get; set; }
}
