using System.Text;

namespace Mostlyucid.LlmBackend.Models;

/// <summary>Rebuilds a complete <see cref="LlmResponse"/> from streamed <see cref="ChatStreamUpdate"/>s.</summary>
public sealed class ChatStreamAccumulator
{
    private readonly StringBuilder _content = new();
    private readonly StringBuilder _reasoning = new();
    private readonly SortedDictionary<int, (string? Id, string? Name, StringBuilder Arguments, string? Signature)> _toolCalls = new();
    private string? _finishReason;
    private string? _model;
    private string? _responseId;
    private string? _backend;
    private string? _signature;
    private LlmUsage? _usage;

    /// <summary>Gets whether any text, reasoning or tool call has arrived.</summary>
    public bool HasOutput => _content.Length > 0 || _reasoning.Length > 0 || _toolCalls.Count > 0;

    /// <summary>Gets the text so far.</summary>
    public string Content => _content.ToString();

    /// <summary>Adds one update.</summary>
    /// <param name="update">The update.</param>
    public void Add(ChatStreamUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        _content.Append(update.ContentDelta);
        _reasoning.Append(update.ReasoningDelta);
        _signature = update.ReasoningSignature ?? _signature;
        _finishReason = update.FinishReason ?? _finishReason;
        _model = update.ModelUsed ?? _model;
        _responseId = update.ResponseId ?? _responseId;
        _backend = update.BackendUsed ?? _backend;
        _usage = update.Usage ?? _usage;
        if (update.ToolCalls is null)
        {
            return;
        }

        foreach (var call in update.ToolCalls)
        {
            if (!_toolCalls.TryGetValue(call.Index, out var existing))
            {
                existing = (null, null, new StringBuilder(), null);
            }

            existing.Arguments.Append(call.ArgumentsDelta);
            _toolCalls[call.Index] = (call.Id ?? existing.Id, call.Name ?? existing.Name, existing.Arguments, call.Signature ?? existing.Signature);
        }
    }

    /// <summary>Builds the response from everything added.</summary>
    /// <returns>A successful response.</returns>
    public LlmResponse ToResponse() => new()
    {
        Success = true,
        Content = _content.ToString(),
        Reasoning = _reasoning.Length > 0 ? _reasoning.ToString() : null,
        ReasoningSignature = _signature,
        FinishReason = _finishReason,
        ModelUsed = _model,
        ResponseId = _responseId,
        BackendUsed = _backend,
        ToolCalls = _toolCalls.Count == 0
            ? null
            : _toolCalls.Values.Select(c => new ToolCall { Id = c.Id ?? string.Empty, Name = c.Name ?? string.Empty, Arguments = c.Arguments.Length > 0 ? c.Arguments.ToString() : "{}", Signature = c.Signature }).ToList(),
        PromptTokens = _usage?.PromptTokens ?? 0,
        CompletionTokens = _usage?.CompletionTokens ?? 0,
        TotalTokens = _usage is null ? 0 : _usage.TotalTokens > 0 ? _usage.TotalTokens : _usage.PromptTokens + _usage.CompletionTokens,
        CachedPromptTokens = _usage?.CachedPromptTokens ?? 0,
        ReasoningTokens = _usage?.ReasoningTokens ?? 0,
    };
}
