using Mostlyucid.LlmBackend.Gateway.Http;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.Anthropic;

/// <summary>
/// Writes a Messages stream with Anthropic's event types, every frame with its <c>event:</c> line: message_start (with
/// usage), ping, content_block_start / content_block_delta (text_delta, thinking_delta, signature_delta, input_json_delta)
/// / content_block_stop in block order, message_delta (stop_reason, usage.output_tokens), message_stop; or
/// <c>event: error</c> when the stream breaks after it started.
/// </summary>
internal sealed class AnthropicStreamWriter : IStreamUpdateWriter
{
    private readonly HttpContext _context;
    private readonly string _id;
    private readonly Dictionary<int, int> _toolBlocks = new();
    private string? _openKind;
    private int _blockIndex = -1;

    public AnthropicStreamWriter(HttpContext context, string id)
    {
        _context = context;
        _id = id;
    }

    public async Task StartAsync(string? model, ChatStreamUpdate? first)
    {
        await Http.SseFrames.StartAsync(_context, first).ConfigureAwait(false);
        await EventAsync("message_start", new JsonObject
        {
            ["type"] = "message_start",
            ["message"] = new JsonObject
            {
                ["id"] = _id, ["type"] = "message", ["role"] = "assistant", ["model"] = model, ["content"] = new JsonArray(),
                ["stop_reason"] = null, ["stop_sequence"] = null,
                ["usage"] = new JsonObject { ["input_tokens"] = 0, ["output_tokens"] = 0 },
            },
        }).ConfigureAwait(false);
        await EventAsync("ping", new JsonObject { ["type"] = "ping" }).ConfigureAwait(false);
    }

    public async Task WriteAsync(ChatStreamUpdate update)
    {
        if (update.ReasoningDelta is { Length: > 0 } reasoning)
        {
            await EnsureBlockAsync("thinking", new JsonObject { ["type"] = "thinking", ["thinking"] = string.Empty }).ConfigureAwait(false);
            await DeltaAsync(new JsonObject { ["type"] = "thinking_delta", ["thinking"] = reasoning }).ConfigureAwait(false);
        }

        if (update.ReasoningSignature is { Length: > 0 } signature)
        {
            await EnsureBlockAsync("thinking", new JsonObject { ["type"] = "thinking", ["thinking"] = string.Empty }).ConfigureAwait(false);
            await DeltaAsync(new JsonObject { ["type"] = "signature_delta", ["signature"] = signature }).ConfigureAwait(false);
        }

        if (update.ContentDelta is { Length: > 0 } text)
        {
            await EnsureBlockAsync("text", new JsonObject { ["type"] = "text", ["text"] = string.Empty }).ConfigureAwait(false);
            await DeltaAsync(new JsonObject { ["type"] = "text_delta", ["text"] = text }).ConfigureAwait(false);
        }

        foreach (var call in update.ToolCalls ?? new List<ToolCallUpdate>())
        {
            if (!_toolBlocks.ContainsKey(call.Index))
            {
                await CloseBlockAsync().ConfigureAwait(false);
                await OpenBlockAsync("tool:" + call.Index, new JsonObject { ["type"] = "tool_use", ["id"] = call.Id ?? $"toolu_{_id}_{call.Index}", ["name"] = call.Name ?? string.Empty, ["input"] = new JsonObject() }).ConfigureAwait(false);
                _toolBlocks[call.Index] = _blockIndex;
            }
            else if (_openKind != "tool:" + call.Index)
            {
                // Anthropic applies deltas by block index in order; a provider interleaving calls cannot be re-opened.
                continue;
            }

            if (call.ArgumentsDelta is { Length: > 0 } fragment)
            {
                await DeltaAsync(new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = fragment }).ConfigureAwait(false);
            }
        }
    }

    public async Task FinishAsync(string? finishReason, LlmUsage? usage, decimal? cost)
    {
        await CloseBlockAsync().ConfigureAwait(false);
        var counts = usage is null ? AnthropicResponseWriter.Usage(0, 0, 0, cost) : AnthropicResponseWriter.Usage(usage.PromptTokens, usage.CompletionTokens, usage.CachedPromptTokens, cost);
        await EventAsync("message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = AnthropicResponseWriter.StopReason(finishReason), ["stop_sequence"] = null },
            ["usage"] = counts,
        }).ConfigureAwait(false);
        await EventAsync("message_stop", new JsonObject { ["type"] = "message_stop" }).ConfigureAwait(false);
    }

    public Task ErrorAsync(LlmError error) =>
        EventAsync("error", AnthropicErrorResponder.Body(Http.GatewayErrors.StatusFor(error), Http.GatewayErrors.ClientMessage(_context, error)));

    private async Task EnsureBlockAsync(string kind, JsonObject start)
    {
        if (_openKind != kind)
        {
            await CloseBlockAsync().ConfigureAwait(false);
            await OpenBlockAsync(kind, start).ConfigureAwait(false);
        }
    }

    private async Task OpenBlockAsync(string kind, JsonObject start)
    {
        _blockIndex++;
        _openKind = kind;
        await EventAsync("content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = _blockIndex, ["content_block"] = start }).ConfigureAwait(false);
    }

    private async Task CloseBlockAsync()
    {
        if (_openKind is not null)
        {
            await EventAsync("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = _blockIndex }).ConfigureAwait(false);
            _openKind = null;
        }
    }

    private Task DeltaAsync(JsonObject delta) =>
        EventAsync("content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = _blockIndex, ["delta"] = delta });

    private Task EventAsync(string name, JsonObject data) => Http.SseFrames.WriteEventAsync(_context, name, data.ToJsonString());
}
