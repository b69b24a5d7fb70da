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
    private readonly string _id;
    private readonly long _created;
    private string? _model;
    private bool _roleSent;

    public OpenAiChunkWriter(HttpContext context, string id, long created)
    {
        _context = context;
        _id = id;
        _created = created;
    }

    public Task StartAsync(ChatStreamUpdate? first) => Http.SseFrames.StartAsync(_context, first);

    public async Task WriteAsync(ChatStreamUpdate update)
    {
        _model = update.ModelUsed ?? _model;
        var delta = new OpenAiMessage();
        var any = false;
        if (!_roleSent)
        {
            delta.Role = ChatRole.Assistant;
            _roleSent = true;
            any = true;
        }

        if (update.ContentDelta is { Length: > 0 } content)
        {
            delta.Content = new OpenAiContent { Text = content };
            any = true;
        }
        else if (delta.Role is not null)
        {
            delta.Content = new OpenAiContent { Text = string.Empty };
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

        if (any || update.Logprobs is not null)
        {
            await WriteChunkAsync(new List<OpenAiChoice> { new() { Index = 0, Delta = delta, Logprobs = update.Logprobs } }, usage: null).ConfigureAwait(false);
        }
    }

    public Task FinishAsync(string finishReason) =>
        WriteChunkAsync(new List<OpenAiChoice> { new() { Index = 0, Delta = new OpenAiMessage(), FinishReason = finishReason } }, usage: null);

    public Task UsageAsync(LlmUsage usage, decimal? cost) =>
        WriteChunkAsync(new List<OpenAiChoice>(), OpenAiGatewayMapper.Usage(usage.PromptTokens, usage.CompletionTokens, usage.TotalTokens, usage.CachedPromptTokens, usage.ReasoningTokens, cost));

    /// <summary>Ends a broken stream with an error frame (the SDKs throw on it) — never with <c>[DONE]</c>, which would pass for success.</summary>
    public Task ErrorAsync(LlmError error) =>
        WriteFrameAsync(JsonSerializer.SerializeToUtf8Bytes(OpenAiErrorResponder.Envelope(_context, error), OpenAiJsonContext.Default.OpenAiErrorEnvelope));

    public Task DoneAsync() => WriteFrameAsync(Done);

    private Task WriteChunkAsync(List<OpenAiChoice> choices, OpenAiUsage? usage)
    {
        var chunk = new OpenAiChatResponse
        {
            Id = _id,
            Object = "chat.completion.chunk",
            Created = _created,
            Model = _model,
            Choices = choices,
            Usage = usage,
        };
        return Http.SseFrames.WriteDataAsync(_context, chunk, OpenAiJsonContext.Default.OpenAiChatResponse);
    }

    private Task WriteFrameAsync(ReadOnlyMemory<byte> json) => Http.SseFrames.WriteDataAsync(_context, json);
}
