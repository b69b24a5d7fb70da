using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Anthropic;

/// <summary>
/// An image or document block's source: <c>{"type":"base64","media_type","data"}</c>, <c>{"type":"url","url"}</c>, or for a
/// plain-text document <c>{"type":"text","media_type":"text/plain","data"}</c>.
/// </summary>
internal sealed class AnthropicImageSource
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("media_type")]
    public string? MediaType { get; set; }

    [JsonPropertyName("data")]
    public string? Data { get; set; }

    [JsonPropertyName("url")]
    public string? Url { get; set; }
}
