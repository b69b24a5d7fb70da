using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Caching;

/// <summary>
/// What the cache keeps of an answer: the text, tool calls, reasoning, finish reason, the model and backend that
/// answered and the usage they reported — never the attempts, the cost or anything about the caller. A chat answer
/// stored from a stream serves a request that does not stream, and the other way round.
/// </summary>
internal sealed class CachedAnswer
{
    public string Content { get; set; } = string.Empty;

    public string? Reasoning { get; set; }

    public string? ReasoningSignature { get; set; }

    public string? Refusal { get; set; }

    public string? FinishReason { get; set; }

    public List<ToolCall>? ToolCalls { get; set; }

    public string? ModelUsed { get; set; }

    public string? BackendUsed { get; set; }

    public string? ResponseId { get; set; }

    public int PromptTokens { get; set; }

    public int CompletionTokens { get; set; }

    public int TotalTokens { get; set; }

    public int CachedPromptTokens { get; set; }

    public int ReasoningTokens { get; set; }

    public List<float[]>? Embeddings { get; set; }

    public static CachedAnswer From(LlmResponse response) => new()
    {
        Content = response.Content,
        Reasoning = response.Reasoning,
        ReasoningSignature = response.ReasoningSignature,
        Refusal = response.Refusal,
        FinishReason = response.FinishReason,
        ToolCalls = response.ToolCalls,
        ModelUsed = response.ModelUsed,
        BackendUsed = response.BackendUsed,
        ResponseId = response.ResponseId,
        PromptTokens = response.PromptTokens,
        CompletionTokens = response.CompletionTokens,
        TotalTokens = response.TotalTokens,
        CachedPromptTokens = response.CachedPromptTokens,
        ReasoningTokens = response.ReasoningTokens,
    };

    public static CachedAnswer From(EmbeddingResponse response) => new()
    {
        Embeddings = response.Embeddings,
        ModelUsed = response.ModelUsed,
        BackendUsed = response.BackendUsed,
        PromptTokens = response.PromptTokens,
        TotalTokens = response.TotalTokens,
    };

    /// <summary>The answer as a response: successful, marked as a hit, costing nothing, with no attempts.</summary>
    public LlmResponse ToResponse() => new()
    {
        Success = true,
        CacheHit = true,
        CostUsd = 0m,
        Content = Content,
        Reasoning = Reasoning,
        ReasoningSignature = ReasoningSignature,
        Refusal = Refusal,
        FinishReason = FinishReason,
        ToolCalls = ToolCalls,
        ModelUsed = ModelUsed,
        BackendUsed = BackendUsed,
        ResponseId = ResponseId,
        PromptTokens = PromptTokens,
        CompletionTokens = CompletionTokens,
        TotalTokens = TotalTokens,
        CachedPromptTokens = CachedPromptTokens,
        ReasoningTokens = ReasoningTokens,
    };

    /// <summary>The vectors as a response: successful, marked as a hit, costing nothing.</summary>
    public EmbeddingResponse ToEmbeddingResponse() => new()
    {
        Success = true,
        CacheHit = true,
        CostUsd = 0m,
        Embeddings = Embeddings ?? new List<float[]>(),
        ModelUsed = ModelUsed,
        BackendUsed = BackendUsed,
        PromptTokens = PromptTokens,
        TotalTokens = TotalTokens,
    };

    /// <summary>
    /// The answer as the updates a stream of it would carry: the text (and reasoning) in one update, the tool calls in the
    /// next, then the finish reason, then the usage — the order providers send them in, so a stream writer cannot tell.
    /// </summary>
    public IEnumerable<ChatStreamUpdate> ToUpdates()
    {
        yield return Update(new ChatStreamUpdate
        {
            ContentDelta = Content.Length > 0 ? Content : null,
            ReasoningDelta = Reasoning,
            ReasoningSignature = ReasoningSignature,
        });
        if (ToolCalls is { Count: > 0 } calls)
        {
            var updates = new List<ToolCallUpdate>(calls.Count);
            for (var i = 0; i < calls.Count; i++)
            {
                updates.Add(new ToolCallUpdate { Index = i, Id = calls[i].Id, Name = calls[i].Name, ArgumentsDelta = calls[i].Arguments, Signature = calls[i].Signature });
            }

            yield return Update(new ChatStreamUpdate { ToolCalls = updates });
        }

        yield return Update(new ChatStreamUpdate { FinishReason = FinishReason ?? FinishReasons.Stop });
        yield return Update(new ChatStreamUpdate
        {
            Usage = new LlmUsage
            {
                PromptTokens = PromptTokens,
                CompletionTokens = CompletionTokens,
                TotalTokens = TotalTokens,
                CachedPromptTokens = CachedPromptTokens,
                ReasoningTokens = ReasoningTokens,
            },
            CostUsd = 0m,
        });
    }

    private ChatStreamUpdate Update(ChatStreamUpdate update)
    {
        update.CacheHit = true;
        update.ModelUsed = ModelUsed;
        update.BackendUsed = BackendUsed;
        update.ResponseId = ResponseId;
        update.Attempts = Array.Empty<BackendAttempt>();
        return update;
    }
}
