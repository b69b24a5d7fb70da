namespace Mostlyucid.LlmBackend.Models;

/// <summary>
/// The outcome of a completion or chat request: the answer and who produced it, or the error. Failures are values
/// (<see cref="Success"/> is <see langword="false"/>); call <see cref="EnsureSuccess"/> to turn one into an exception.
/// </summary>
public class LlmResponse
{
    /// <summary>Gets or sets the generated text.</summary>
    public string Content { get; set; } = string.Empty;

    /// <summary>Gets or sets a value indicating whether the request produced an answer.</summary>
    public bool Success { get; set; }

    /// <summary>Gets or sets the name of the backend that answered (or, on failure, the last one tried).</summary>
    public string? BackendUsed { get; set; }

    /// <summary>Gets or sets the model that answered, as the provider reported it.</summary>
    public string? ModelUsed { get; set; }

    /// <summary>Gets or sets how long the request took, in milliseconds.</summary>
    public long DurationMs { get; set; }

    /// <summary>Gets or sets the tokens in the prompt, as the provider counted them.</summary>
    public int PromptTokens { get; set; }

    /// <summary>Gets or sets the tokens generated.</summary>
    public int CompletionTokens { get; set; }

    /// <summary>Gets or sets the total tokens billed.</summary>
    public int TotalTokens { get; set; }

    /// <summary>Gets or sets the prompt tokens served from the provider's prompt cache (included in <see cref="PromptTokens"/>).</summary>
    public int CachedPromptTokens { get; set; }

    /// <summary>Gets or sets the tokens spent on reasoning (included in <see cref="CompletionTokens"/>).</summary>
    public int ReasoningTokens { get; set; }

    /// <summary>
    /// Gets or sets what this answer cost in US dollars, from the answering backend's usage and its prices (its
    /// <c>CostPerMillion…</c> settings, else the model catalog); <see langword="null"/> when the prices are not known.
    /// </summary>
    public decimal? CostUsd { get; set; }

    /// <summary>Gets or sets whether the answer came from the response cache (no backend was called; <see cref="CostUsd"/> is 0).</summary>
    public bool CacheHit { get; set; }

    /// <summary>
    /// Gets or sets why generation stopped. Built-in providers use <see cref="FinishReasons"/> (<c>stop</c>, <c>length</c>,
    /// <c>tool_calls</c>, <c>content_filter</c>) whatever the provider's own word was.
    /// </summary>
    public string? FinishReason { get; set; }

    /// <summary>Gets or sets the tool calls the model asked for (with <see cref="FinishReason"/> <c>tool_calls</c>).</summary>
    public List<ToolCall>? ToolCalls { get; set; }

    /// <summary>Gets or sets the model's visible reasoning ("thinking"), when the provider returns it.</summary>
    public string? Reasoning { get; set; }

    /// <summary>Gets or sets the provider's signature of <see cref="Reasoning"/>, needed to send it back.</summary>
    public string? ReasoningSignature { get; set; }

    /// <summary>Gets or sets the model's refusal text, when it refused instead of answering.</summary>
    public string? Refusal { get; set; }

    /// <summary>
    /// Gets or sets the output tokens' log probabilities as the provider returned them (OpenAI's <c>choices[0].logprobs</c>
    /// object), when <see cref="ChatRequest.Logprobs"/> asked for them and the provider has them.
    /// </summary>
    public System.Text.Json.JsonElement? Logprobs { get; set; }

    /// <summary>Gets or sets the provider's id for this response.</summary>
    public string? ResponseId { get; set; }

    /// <summary>Gets or sets a short error code when <see cref="Success"/> is <see langword="false"/>.</summary>
    public string? ErrorCode { get; set; }

    /// <summary>Gets or sets the error message when <see cref="Success"/> is <see langword="false"/>.</summary>
    public string? ErrorMessage { get; set; }

    /// <summary>Gets or sets the typed error when <see cref="Success"/> is <see langword="false"/>.</summary>
    public LlmError? Error { get; set; }

    /// <summary>
    /// Gets or sets every backend attempt made for this request, in order; the last successful one answered. Filled in by
    /// <c>ILlmService</c>; empty when a backend is called directly.
    /// </summary>
    public IReadOnlyList<BackendAttempt> Attempts { get; set; } = Array.Empty<BackendAttempt>();

    /// <summary>Turns the answer into the assistant message to append to the conversation for the next turn.</summary>
    /// <returns>The message, with content, tool calls and reasoning.</returns>
    public ChatMessage ToAssistantMessage() => new()
    {
        Role = ChatRole.Assistant,
        Content = Content,
        ToolCalls = ToolCalls is { Count: > 0 } calls ? calls.ToList() : null,
        Reasoning = Reasoning,
        ReasoningSignature = ReasoningSignature,
    };

    /// <summary>Throws <see cref="LlmBackendException"/> when the request failed.</summary>
    /// <returns>This response, for chaining.</returns>
    /// <exception cref="LlmBackendException">The request failed.</exception>
    public LlmResponse EnsureSuccess()
    {
        if (!Success)
        {
            throw new LlmBackendException(
                Error ?? new LlmError { Kind = LlmErrorKind.Unknown, Message = ErrorMessage ?? "The request failed.", BackendName = BackendUsed },
                Attempts);
        }

        return this;
    }
}
