using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Cohere;

/// <summary>One content part: <c>text</c>, <c>image_url</c>, <c>thinking</c> or <c>document</c>.</summary>
internal sealed class CohereContentPart
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("text")]
    public string? Text { get; set; }

    [JsonPropertyName("thinking")]
    public string? Thinking { get; set; }

    [JsonPropertyName("image_url")]
    public CohereImageUrl? ImageUrl { get; set; }

    [JsonPropertyName("document")]
    public JsonElement? Document { get; set; }
}
