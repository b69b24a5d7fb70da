using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Anthropic;

/// <summary>
/// A stream event's <c>delta</c>: in <c>content_block_delta</c> a <c>text_delta</c>, <c>input_json_delta</c>,
/// <c>thinking_delta</c> or <c>signature_delta</c>; in <c>message_delta</c> the stop reason.
/// </summary>
internal sealed class AnthropicStreamDelta
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("text")]
    public string? Text { get; set; }

    [JsonPropertyName("partial_json")]
    public string? PartialJson { get; set; }

    [JsonPropertyName("thinking")]
    public string? Thinking { get; set; }

    [JsonPropertyName("signature")]
    public string? Signature { get; set; }

    [JsonPropertyName("stop_reason")]
    public string? StopReason { get; set; }

    [JsonPropertyName("stop_sequence")]
    public string? StopSequence { get; set; }
}
