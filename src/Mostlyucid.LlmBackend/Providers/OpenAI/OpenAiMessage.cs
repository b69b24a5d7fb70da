using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.OpenAI;

/// <summary>A message in a request, a response's <c>message</c>, or a stream chunk's <c>delta</c>.</summary>
internal sealed class OpenAiMessage
{
    [JsonPropertyName("role")]
    public string? Role { get; set; }

    /// <summary>
    /// Gets or sets the content: a string or an array of parts. Always written, as <c>null</c> on an assistant message with
    /// only tool calls, as OpenAI's SDKs do (some compatible servers require the key).
    /// </summary>
    [JsonPropertyName("content")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public OpenAiContent? Content { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("tool_calls")]
    public List<OpenAiToolCall>? ToolCalls { get; set; }

    [JsonPropertyName("tool_call_id")]
    public string? ToolCallId { get; set; }

    [JsonPropertyName("refusal")]
    public string? Refusal { get; set; }

    /// <summary>Gets or sets reasoning text (DeepSeek, vLLM and others; never sent back).</summary>
    [JsonPropertyName("reasoning_content")]
    public string? ReasoningContent { get; set; }

    /// <summary>Gets or sets reasoning text as OpenRouter names it.</summary>
    [JsonPropertyName("reasoning")]
    public string? Reasoning { get; set; }
}
