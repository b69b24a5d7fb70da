using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Anthropic;

/// <summary>The body of <c>POST /v1/messages</c>.</summary>
internal sealed class AnthropicMessagesRequest
{
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    /// <summary>Gets or sets the output token limit; Anthropic requires it on every request.</summary>
    [JsonPropertyName("max_tokens")]
    public int MaxTokens { get; set; }

    /// <summary>
    /// Gets or sets the system prompt (Anthropic has no system role in <see cref="Messages"/>): a string, or a list of
    /// text blocks when a block carries <c>cache_control</c>.
    /// </summary>
    [JsonPropertyName("system")]
    public System.Text.Json.JsonElement? System { get; set; }

    [JsonPropertyName("messages")]
    public List<AnthropicMessage>? Messages { get; set; }

    [JsonPropertyName("temperature")]
    public double? Temperature { get; set; }

    [JsonPropertyName("top_p")]
    public double? TopP { get; set; }

    [JsonPropertyName("top_k")]
    public int? TopK { get; set; }

    [JsonPropertyName("stop_sequences")]
    public List<string>? StopSequences { get; set; }

    [JsonPropertyName("stream")]
    public bool? Stream { get; set; }

    [JsonPropertyName("tools")]
    public List<AnthropicTool>? Tools { get; set; }

    [JsonPropertyName("tool_choice")]
    public AnthropicToolChoice? ToolChoice { get; set; }

    [JsonPropertyName("thinking")]
    public AnthropicThinking? Thinking { get; set; }

    [JsonPropertyName("metadata")]
    public AnthropicMetadata? Metadata { get; set; }
}
