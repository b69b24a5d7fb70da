using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Cohere;

/// <summary>An image part's <c>image_url</c>: a web URL or a base64 <c>data:</c> URL, with an optional detail hint.</summary>
internal sealed class CohereImageUrl
{
    [JsonPropertyName("url")]
    public string? Url { get; set; }

    [JsonPropertyName("detail")]
    public string? Detail { get; set; }
}
