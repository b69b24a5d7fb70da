using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Ollama;

/// <summary>A message in a request's <c>messages</c>, a response's <c>message</c>, or a piece of one in a stream line.</summary>
internal sealed class OllamaMessage
{
    [JsonPropertyName("role")]
    public string? Role { get; set; }

    /// <summary>Gets or sets the text (a stream line's piece of it). Always written: Ollama's messages always carry content.</summary>
    [JsonPropertyName("content")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Content { get; set; }

    /// <summary>Gets or sets images as base64 (no media type: Ollama detects it).</summary>
    [JsonPropertyName("images")]
    public List<string>? Images { get; set; }

    /// <summary>Gets or sets a thinking model's reasoning.</summary>
    [JsonPropertyName("thinking")]
    public string? Thinking { get; set; }

    [JsonPropertyName("tool_calls")]
    public List<OllamaToolCall>? ToolCalls { get; set; }

    /// <summary>Gets or sets, on a <c>tool</c> message, the function whose result it carries (how Ollama matches results to calls).</summary>
    [JsonPropertyName("tool_name")]
    public string? ToolName { get; set; }

    /// <summary>Gets or sets, on a <c>tool</c> message, the id of the call it answers (read by Ollama versions that have call ids).</summary>
    [JsonPropertyName("tool_call_id")]
    public string? ToolCallId { get; set; }
}
