using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.Responses;

/// <summary>
/// Writes a streamed response as OpenAI's Responses events, each an SSE frame with its <c>event:</c> line and a
/// <c>sequence_number</c> one higher than the last: <c>response.created</c>, <c>response.in_progress</c>; per output item
/// <c>response.output_item.added</c> … <c>response.output_item.done</c> with, between them, the content part and
/// <c>response.output_text.delta</c>/<c>.done</c> events of a message, the <c>response.reasoning_summary_*</c> events of a
/// reasoning item or the <c>response.function_call_arguments.delta</c>/<c>.done</c> events of a call; then
/// <c>response.completed</c> (or <c>response.incomplete</c>) with usage. A stream that breaks after it started ends with
/// an <c>error</c> event and <c>response.failed</c>, never with <c>response.completed</c>.
/// </summary>
internal sealed class ResponsesStreamWriter : IStreamUpdateWriter
{
    private readonly HttpContext _context;
    private readonly JsonObject _response;
    private readonly List<StreamedItem> _items = new();
    private readonly Dictionary<int, StreamedItem> _calls = new();
    private StreamedItem? _open;
    private int _sequence;

    /// <summary>Creates a writer for a response in progress.</summary>
    /// <param name="context">The request.</param>
    /// <param name="response">The Response object as it starts (status <c>in_progress</c>, no output).</param>
    public ResponsesStreamWriter(HttpContext context, JsonObject response)
    {
        _context = context;
        _response = response;
    }

    /// <summary>Starts the stream: headers, <c>response.created</c> and <c>response.in_progress</c>.</summary>
    public async Task StartAsync(ChatStreamUpdate? first)
    {
        if (first?.ModelUsed is { } model)
        {
            _response["model"] = model;
        }

        await SseFrames.StartAsync(_context, first).ConfigureAwait(false);
        await EventAsync("response.created", new JsonObject { ["response"] = _response.DeepClone() }).ConfigureAwait(false);
        await EventAsync("response.in_progress", new JsonObject { ["response"] = _response.DeepClone() }).ConfigureAwait(false);
    }

    /// <summary>Writes the events of one update from the pipeline.</summary>
    public async Task WriteAsync(ChatStreamUpdate update)
    {
        if (update.ModelUsed is { } model)
        {
            _response["model"] = model;
        }

        if (update.ReasoningDelta is { Length: > 0 } reasoning)
        {
            var item = await EnsureOpenAsync(ItemKind.Reasoning).ConfigureAwait(false);
            item.Text.Append(reasoning);
            await EventAsync("response.reasoning_summary_text.delta", Located(item, ("summary_index", 0), ("delta", reasoning))).ConfigureAwait(false);
        }

        if (update.ReasoningSignature is { Length: > 0 } signature)
        {
            (await EnsureOpenAsync(ItemKind.Reasoning).ConfigureAwait(false)).Signature = signature;
        }

        if (update.ContentDelta is { Length: > 0 } text)
        {
            var item = await EnsureOpenAsync(ItemKind.Message).ConfigureAwait(false);
            item.Text.Append(text);
            await EventAsync("response.output_text.delta", Located(item, ("content_index", 0), ("delta", text), ("logprobs", new JsonArray()))).ConfigureAwait(false);
        }

        foreach (var call in update.ToolCalls ?? new List<ToolCallUpdate>())
        {
            await CallAsync(call).ConfigureAwait(false);
        }
    }

    /// <summary>Ends a whole answer: closes every item, then <c>response.completed</c> (or <c>response.incomplete</c>).</summary>
    /// <returns>The finished Response object.</returns>
    public async Task<JsonObject> FinishAsync(string? finishReason, LlmUsage? usage, decimal? cost, long completedAt)
    {
        var cut = finishReason is FinishReasons.Length or FinishReasons.ContentFilter;
        if (_items.Count == 0)
        {
            await EnsureOpenAsync(ItemKind.Message).ConfigureAwait(false);
        }

        await CloseOpenAsync(cut ? "incomplete" : "completed").ConfigureAwait(false);
        foreach (var item in _items)
        {
            if (!item.Done)
            {
                await CloseAsync(item, "completed").ConfigureAwait(false);
            }
        }

        _response["output"] = Output();
        _response["usage"] = ResponseObjectBuilder.Usage(usage, cost);
        _response["completed_at"] = completedAt;
        ResponseObjectBuilder.Finish(_response, finishReason);
        await EventAsync(cut ? "response.incomplete" : "response.completed", new JsonObject { ["response"] = _response.DeepClone() }).ConfigureAwait(false);
        return _response;
    }

    /// <summary>Ends a stream the pipeline broke off: an <c>error</c> event, then <c>response.failed</c>.</summary>
    public async Task ErrorAsync(LlmError error)
    {
        // The same message, type and code the error would have had as an HTTP error in OpenAI's shape.
        var envelope = OpenAi.OpenAiErrorResponder.Envelope(_context, error).Error!;
        var message = envelope.Message ?? GatewayErrors.ClientMessage(_context, error);
        var code = envelope.Code is { ValueKind: System.Text.Json.JsonValueKind.String } given ? given.GetString()! : envelope.Type ?? "server_error";
        await EventAsync("error", new JsonObject { ["code"] = code, ["message"] = message, ["param"] = null }).ConfigureAwait(false);
        _response["output"] = Output();
        ResponseObjectBuilder.Fail(_response, code, message);
        await EventAsync("response.failed", new JsonObject { ["response"] = _response.DeepClone() }).ConfigureAwait(false);
    }

    private async Task CallAsync(ToolCallUpdate call)
    {
        if (!_calls.TryGetValue(call.Index, out var item))
        {
            await CloseOpenAsync("completed").ConfigureAwait(false);
            item = new StreamedItem(ItemKind.FunctionCall, ResponseIds.FunctionCall(), _items.Count)
            {
                CallId = string.IsNullOrEmpty(call.Id) ? ResponseIds.Call() : call.Id,
                Name = call.Name ?? string.Empty,
            };
            _items.Add(item);
            _calls[call.Index] = item;
            await EventAsync("response.output_item.added", new JsonObject { ["output_index"] = item.OutputIndex, ["item"] = Item(item, "in_progress") }).ConfigureAwait(false);
        }

        if (call.ArgumentsDelta is { Length: > 0 } fragment && !item.Done)
        {
            item.Text.Append(fragment);
            await EventAsync("response.function_call_arguments.delta", Located(item, ("delta", fragment))).ConfigureAwait(false);
        }
    }

    /// <summary>The open item of a kind, opening it (and closing another open one) when needed.</summary>
    private async Task<StreamedItem> EnsureOpenAsync(ItemKind kind)
    {
        if (_open?.Kind == kind)
        {
            return _open;
        }

        await CloseOpenAsync("completed").ConfigureAwait(false);
        var item = new StreamedItem(kind, kind == ItemKind.Message ? ResponseIds.Message() : ResponseIds.Reasoning(), _items.Count);
        _items.Add(item);
        _open = item;
        await EventAsync("response.output_item.added", new JsonObject { ["output_index"] = item.OutputIndex, ["item"] = Item(item, "in_progress") }).ConfigureAwait(false);
        if (kind == ItemKind.Message)
        {
            await EventAsync("response.content_part.added", Located(item, ("content_index", 0), ("part", ResponseItems.OutputText(string.Empty)))).ConfigureAwait(false);
        }
        else
        {
            await EventAsync("response.reasoning_summary_part.added", Located(item, ("summary_index", 0), ("part", ResponseItems.SummaryText(string.Empty)))).ConfigureAwait(false);
        }

        return item;
    }

    private async Task CloseOpenAsync(string status)
    {
        if (_open is { } open)
        {
            _open = null;
            await CloseAsync(open, status).ConfigureAwait(false);
        }
    }

    private async Task CloseAsync(StreamedItem item, string status)
    {
        var text = item.Text.ToString();
        switch (item.Kind)
        {
            case ItemKind.Message:
                await EventAsync("response.output_text.done", Located(item, ("content_index", 0), ("text", text), ("logprobs", new JsonArray()))).ConfigureAwait(false);
                await EventAsync("response.content_part.done", Located(item, ("content_index", 0), ("part", ResponseItems.OutputText(text)))).ConfigureAwait(false);
                break;
            case ItemKind.Reasoning:
                await EventAsync("response.reasoning_summary_text.done", Located(item, ("summary_index", 0), ("text", text))).ConfigureAwait(false);
                await EventAsync("response.reasoning_summary_part.done", Located(item, ("summary_index", 0), ("part", ResponseItems.SummaryText(text)))).ConfigureAwait(false);
                break;
            default:
                await EventAsync("response.function_call_arguments.done", Located(item, ("name", item.Name), ("arguments", Arguments(item)))).ConfigureAwait(false);
                break;
        }

        item.Done = true;
        item.Status = status;
        await EventAsync("response.output_item.done", new JsonObject { ["output_index"] = item.OutputIndex, ["item"] = Item(item, status) }).ConfigureAwait(false);
    }

    private JsonArray Output()
    {
        var output = new JsonArray();
        foreach (var item in _items)
        {
            output.Add(Item(item, item.Status));
        }

        return output;
    }

    private static JsonObject Item(StreamedItem item, string status) => item.Kind switch
    {
        ItemKind.Message => ResponseItems.Message(item.Id, status, status == "in_progress" ? new JsonArray() : new JsonArray(ResponseItems.OutputText(item.Text.ToString()))),
        ItemKind.Reasoning => ResponseItems.Reasoning(item.Id, status, item.Text.ToString(), item.Signature),
        _ => ResponseItems.FunctionCall(item.Id, status, item.CallId!, item.Name!, status == "in_progress" ? item.Text.ToString() : Arguments(item)),
    };

    private static string Arguments(StreamedItem item) => item.Text.Length == 0 ? "{}" : item.Text.ToString();

    private static JsonObject Located(StreamedItem item, params (string Name, JsonNode? Value)[] fields)
    {
        var data = new JsonObject { ["item_id"] = item.Id, ["output_index"] = item.OutputIndex };
        foreach (var (name, value) in fields)
        {
            data[name] = value;
        }

        return data;
    }

    private Task EventAsync(string type, JsonObject fields)
    {
        var data = new JsonObject { ["type"] = type, ["sequence_number"] = _sequence++ };
        foreach (var (name, value) in fields.ToList())
        {
            fields.Remove(name);
            data[name] = value;
        }

        return SseFrames.WriteEventAsync(_context, type, data.ToJsonString());
    }

    private enum ItemKind
    {
        Message,
        Reasoning,
        FunctionCall,
    }

    /// <summary>An output item as it streams.</summary>
    private sealed class StreamedItem(ItemKind kind, string id, int outputIndex)
    {
        public ItemKind Kind { get; } = kind;

        public string Id { get; } = id;

        public int OutputIndex { get; } = outputIndex;

        public StringBuilder Text { get; } = new();

        public string? CallId { get; init; }

        public string? Name { get; init; }

        public string? Signature { get; set; }

        public bool Done { get; set; }

        public string Status { get; set; } = "in_progress";
    }
}
