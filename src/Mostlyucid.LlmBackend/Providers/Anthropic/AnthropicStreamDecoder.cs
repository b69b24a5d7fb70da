using System.Text.Json;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Providers.Anthropic;

/// <summary>
/// Turns one stream's events into <see cref="ChatStreamUpdate"/>s. It remembers what later events need: the model, id
/// and prompt usage from <c>message_start</c>, and which content blocks are tool calls, so tool call updates are numbered
/// 0, 1, … among the tool calls rather than by Anthropic's block index (which counts text and thinking blocks too).
/// <c>error</c> events are not its business: the backend turns them into exceptions before calling <see cref="Read"/>.
/// </summary>
internal sealed class AnthropicStreamDecoder
{
    private readonly Dictionary<int, int> _toolCallByBlock = new();
    private string? _model;
    private string? _id;
    private AnthropicUsage? _startUsage;
    private bool _stopReasonSeen;

    /// <summary>Gets whether <c>message_stop</c> arrived.</summary>
    public bool Stopped { get; private set; }

    /// <summary>
    /// Gets whether the answer is whole: <c>message_stop</c> arrived, or a <c>message_delta</c> with the stop reason did (a
    /// body that ends after that lost only the closing event); a stream that ends before either was cut off.
    /// </summary>
    public bool Finished => Stopped || _stopReasonSeen;

    /// <summary>Reads one event.</summary>
    /// <param name="item">The event's data.</param>
    /// <returns>The update it carries, or <see langword="null"/> when it carries nothing for the caller.</returns>
    public ChatStreamUpdate? Read(AnthropicStreamEvent item)
    {
        var update = item.Type switch
        {
            "message_start" => Start(item.Message),
            "content_block_start" when item.Index is { } index => BlockStart(index, item.ContentBlock),
            "content_block_delta" when item.Index is { } index => BlockDelta(index, item.Delta),
            "message_delta" => MessageDelta(item),
            "message_stop" => Stop(),

            // ping, content_block_stop and event types added after this was written carry nothing to pass on.
            _ => null,
        };
        if (update is not null)
        {
            update.ModelUsed = _model;
            update.ResponseId = _id;
        }

        return update;
    }

    private ChatStreamUpdate? Start(AnthropicMessagesResponse? message)
    {
        // Held back and sent with the first real update: until then the caller has seen nothing and may fail over.
        _model = message?.Model;
        _id = message?.Id;
        _startUsage = message?.Usage;
        return null;
    }

    private ChatStreamUpdate MessageDelta(AnthropicStreamEvent item)
    {
        _stopReasonSeen |= !string.IsNullOrEmpty(item.Delta?.StopReason);
        return new ChatStreamUpdate
        {
            FinishReason = AnthropicMapper.FinishReason(item.Delta?.StopReason),
            Usage = AnthropicMapper.ToUsage(_startUsage, item.Usage),
        };
    }

    private ChatStreamUpdate? Stop()
    {
        Stopped = true;
        return null;
    }

    private ChatStreamUpdate? BlockStart(int index, AnthropicContentBlock? block)
    {
        switch (block?.Type)
        {
            case "text" when !string.IsNullOrEmpty(block.Text):
                return new ChatStreamUpdate { ContentDelta = block.Text };
            case "tool_use":
                var call = _toolCallByBlock.Count;
                _toolCallByBlock[index] = call;

                // The API starts tool_use blocks with an empty input and streams it in input_json_delta events.
                var input = block.Input is { ValueKind: JsonValueKind.Object } value && value.EnumerateObject().Any() ? value.GetRawText() : null;
                return new ChatStreamUpdate { ToolCalls = new() { new ToolCallUpdate { Index = call, Id = block.Id, Name = block.Name, ArgumentsDelta = input } } };
            case "thinking" when !string.IsNullOrEmpty(block.Thinking) || !string.IsNullOrEmpty(block.Signature):
                return new ChatStreamUpdate { ReasoningDelta = NullIfEmpty(block.Thinking), ReasoningSignature = NullIfEmpty(block.Signature) };
            default:
                return null;
        }
    }

    private ChatStreamUpdate? BlockDelta(int index, AnthropicStreamDelta? delta)
    {
        switch (delta?.Type)
        {
            case "text_delta" when !string.IsNullOrEmpty(delta.Text):
                return new ChatStreamUpdate { ContentDelta = delta.Text };
            case "input_json_delta" when !string.IsNullOrEmpty(delta.PartialJson) && _toolCallByBlock.TryGetValue(index, out var call):
                return new ChatStreamUpdate { ToolCalls = new() { new ToolCallUpdate { Index = call, ArgumentsDelta = delta.PartialJson } } };
            case "thinking_delta" when !string.IsNullOrEmpty(delta.Thinking):
                return new ChatStreamUpdate { ReasoningDelta = delta.Thinking };
            case "signature_delta" when !string.IsNullOrEmpty(delta.Signature):
                return new ChatStreamUpdate { ReasoningSignature = delta.Signature };
            default:
                return null;
        }
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
