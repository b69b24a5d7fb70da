namespace Mostlyucid.LlmBackend.Models;

/// <summary>A conversation to continue, optionally with tools the model may call.</summary>
public class ChatRequest : LlmRequestBase
{
    /// <summary>Gets or sets the messages so far, oldest first.</summary>
    public List<ChatMessage> Messages { get; set; } = new();

    /// <summary>Gets or sets the functions the model may call.</summary>
    public List<ToolDefinition>? Tools { get; set; }

    /// <summary>Gets or sets whether and which tools must be called.</summary>
    public ToolChoice? ToolChoice { get; set; }

    /// <summary>Gets or sets whether the model may call several tools in one turn, where the provider lets you say.</summary>
    public bool? ParallelToolCalls { get; set; }

    /// <summary>Gets or sets the required shape of the answer (JSON, JSON Schema).</summary>
    public ResponseFormat? ResponseFormat { get; set; }

    /// <summary>Gets or sets OpenAI's reasoning effort (<c>low</c>, <c>medium</c>, <c>high</c>) for reasoning models.</summary>
    public string? ReasoningEffort { get; set; }

    /// <summary>Gets or sets a thinking budget in tokens (Anthropic extended thinking, Gemini thinking), where supported.</summary>
    public int? ThinkingBudgetTokens { get; set; }

    /// <summary>
    /// Gets or sets whether to return the log probabilities of the output tokens (OpenAI's <c>logprobs</c>), where the
    /// backend's provider has them; see <see cref="LlmResponse.Logprobs"/>.
    /// </summary>
    public bool? Logprobs { get; set; }

    /// <summary>Gets or sets how many most likely alternatives to return per output token (OpenAI's <c>top_logprobs</c>, 0–20).</summary>
    public int? TopLogprobs { get; set; }
}
