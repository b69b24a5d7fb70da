using Mostlyucid.LlmBackend.Gateway.Http;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Providers.OpenAI;

namespace Mostlyucid.LlmBackend.Gateway.OpenAi;

/// <summary>
/// Writes a chat completions stream as OpenAI does: <c>data: {chunk}</c> frames — the first carrying
/// <c>delta.role</c>, tool calls as indexed deltas (id, type and name first, argument fragments after), a final chunk with
/// <c>finish_reason</c>, usage in a chunk with empty <c>choices</c> when asked for — and <c>data: [DONE]</c>.
/// </summary>
internal sealed class OpenAiChunkWriter : IStreamUpdateWriter
{
    private static readonly ReadOnlyMemory<byte> Done = "[DONE]"u8.ToArray();
    private readonly HttpContext _context;

    // One chunk, its one choice and its delta, filled anew for each frame: a frame is serialized before the next is
    // filled, and a stream writes one per token.
    private readonly OpenAiChatResponse _chunk;
    private readonly OpenAiChoice _choice = new();
    private readonly List<OpenAiChoice> _oneChoice;
    private readonly OpenAiMessage _delta = new();
    private readonly OpenAiContent _content = new();
    private Utf8JsonWriter? _json;
    private bool _roleSent;

    public OpenAiChunkWriter(HttpContext context, string id, long created)
    {
        _context = context;
        _oneChoice = new List<OpenAiChoice>(1) { _choice };
        _chunk = new OpenAiChatResponse { Id = id, Object = "chat.completion.chunk", Created = created };
    }

    public Task StartAsync(ChatStreamUpdate? first) => Http.SseFrames.StartAsync(_context, first);

    public Task WriteAsync(ChatStreamUpdate update)
    {
        _chunk.Model = update.ModelUsed ?? _chunk.Model;
        var delta = Delta();
        var any = false;
        if (!_roleSent)
        {
            delta.Role = ChatRole.Assistant;
            _roleSent = true;
            any = true;
        }

        if (update.ContentDelta is { Length: > 0 } content)
        {
            delta.Content = Text(content);
            any = true;
        }
        else if (delta.Role is not null)
        {
            delta.Content = Text(string.Empty);
        }

        if (update.ReasoningDelta is { Length: > 0 } reasoning)
        {
            delta.ReasoningContent = reasoning;
            any = true;
        }

        if (update.ToolCalls is { Count: > 0 } calls)
        {
            delta.ToolCalls = calls.Select(c => new OpenAiToolCall
            {
                Index = c.Index,
                Id = c.Id,
                Type = c.Id is null ? null : "function",
                Function = new OpenAiFunctionCall { Name = c.Name, Arguments = c.ArgumentsDelta ?? string.Empty },
            }).ToList();
            any = true;
        }

        return any || update.Logprobs is not null ? WriteChoiceAsync(delta, update.Logprobs, finishReason: null) : Task.CompletedTask;
    }

    public Task FinishAsync(string finishReason) => WriteChoiceAsync(Delta(), logprobs: null, finishReason);

    public Task UsageAsync(LlmUsage usage, decimal? cost) =>
        WriteChunkAsync(new List<OpenAiChoice>(), OpenAiGatewayMapper.Usage(usage.PromptTokens, usage.CompletionTokens, usage.TotalTokens, usage.CachedPromptTokens, usage.ReasoningTokens, cost));

    /// <summary>Ends a broken stream with an error frame (the SDKs throw on it) — never with <c>[DONE]</c>, which would pass for success.</summary>
    public Task ErrorAsync(LlmError error) =>
        WriteFrameAsync(JsonSerializer.SerializeToUtf8Bytes(OpenAiErrorResponder.Envelope(_context, error), OpenAiJsonContext.Default.OpenAiErrorEnvelope));

    public Task DoneAsync() => WriteFrameAsync(Done);

    /// <summary>Gets the reused delta, emptied.</summary>
    private OpenAiMessage Delta()
    {
        _delta.Role = null;
        _delta.Content = null;
        _delta.ReasoningContent = null;
        _delta.ToolCalls = null;
        return _delta;
    }

    private OpenAiContent Text(string text)
    {
        _content.Text = text;
        return _content;
    }

    private Task WriteChoiceAsync(OpenAiMessage delta, System.Text.Json.JsonElement? logprobs, string? finishReason)
    {
        _choice.Index = 0;
        _choice.Delta = delta;
        _choice.Logprobs = logprobs;
        _choice.FinishReason = finishReason;
        return WriteChunkAsync(_oneChoice, usage: null);
    }

    private Task WriteChunkAsync(List<OpenAiChoice> choices, OpenAiUsage? usage)
    {
        _chunk.Choices = choices;
        _chunk.Usage = usage;
        _json ??= new Utf8JsonWriter(_context.Response.BodyWriter);
        return Http.SseFrames.WriteDataAsync(_context, _json, _chunk, OpenAiJsonContext.Default.OpenAiChatResponse);
    }

    private Task WriteFrameAsync(ReadOnlyMemory<byte> json) => Http.SseFrames.WriteDataAsync(_context, json);
}
