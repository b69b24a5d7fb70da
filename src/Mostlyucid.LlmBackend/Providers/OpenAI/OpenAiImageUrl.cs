using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.OpenAI;

/// <summary>An image reference: an http(s) URL or a base64 <c>data:</c> URL.</summary>
internal sealed class OpenAiImageUrl
{
    [JsonPropertyName("url")]
    public string? Url { get; set; }

    [JsonPropertyName("detail")]
    public string? Detail { get; set; }
}
