using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Cohere;

/// <summary>The body of <c>POST /v2/chat</c>.</summary>
internal sealed class CohereChatRequest
{
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("messages")]
    public List<CohereMessage>? Messages { get; set; }

    [JsonPropertyName("tools")]
    public List<CohereTool>? Tools { get; set; }

    /// <summary>Gets or sets <c>"REQUIRED"</c> or <c>"NONE"</c>; absent lets the model decide.</summary>
    [JsonPropertyName("tool_choice")]
    public string? ToolChoice { get; set; }

    [JsonPropertyName("strict_tools")]
    public bool? StrictTools { get; set; }

    [JsonPropertyName("stream")]
    public bool Stream { get; set; }

    [JsonPropertyName("max_tokens")]
    public int? MaxTokens { get; set; }

    [JsonPropertyName("temperature")]
    public double? Temperature { get; set; }

    /// <summary>Gets or sets nucleus sampling's probability mass (top_p elsewhere).</summary>
    [JsonPropertyName("p")]
    public double? P { get; set; }

    /// <summary>Gets or sets top-k sampling.</summary>
    [JsonPropertyName("k")]
    public int? K { get; set; }

    [JsonPropertyName("stop_sequences")]
    public List<string>? StopSequences { get; set; }

    [JsonPropertyName("seed")]
    public long? Seed { get; set; }

    [JsonPropertyName("frequency_penalty")]
    public double? FrequencyPenalty { get; set; }

    [JsonPropertyName("presence_penalty")]
    public double? PresencePenalty { get; set; }

    [JsonPropertyName("response_format")]
    public CohereResponseFormat? ResponseFormat { get; set; }

    [JsonPropertyName("thinking")]
    public CohereThinking? Thinking { get; set; }
}
