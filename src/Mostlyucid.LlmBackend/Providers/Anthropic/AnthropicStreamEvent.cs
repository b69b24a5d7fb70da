using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Anthropic;

/// <summary>
/// The data of one stream event, whatever its type: <c>message_start</c> (<see cref="Message"/>),
/// <c>content_block_start</c> (<see cref="Index"/>, <see cref="ContentBlock"/>), <c>content_block_delta</c>
/// (<see cref="Index"/>, <see cref="Delta"/>), <c>content_block_stop</c>, <c>message_delta</c> (<see cref="Delta"/>,
/// <see cref="Usage"/>), <c>message_stop</c>, <c>ping</c> and <c>error</c> (<see cref="Error"/>).
/// </summary>
internal sealed class AnthropicStreamEvent
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("message")]
    public AnthropicMessagesResponse? Message { get; set; }

    [JsonPropertyName("index")]
    public int? Index { get; set; }

    [JsonPropertyName("content_block")]
    public AnthropicContentBlock? ContentBlock { get; set; }

    [JsonPropertyName("delta")]
    public AnthropicStreamDelta? Delta { get; set; }

    [JsonPropertyName("usage")]
    public AnthropicUsage? Usage { get; set; }

    [JsonPropertyName("error")]
    public AnthropicError? Error { get; set; }
}
