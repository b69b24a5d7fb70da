using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Anthropic;

/// <summary>An error body: <c>{"type": "error", "error": {"type", "message"}, "request_id"}</c>.</summary>
internal sealed class AnthropicErrorEnvelope
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("error")]
    public AnthropicError? Error { get; set; }

    [JsonPropertyName("request_id")]
    public string? RequestId { get; set; }
}
