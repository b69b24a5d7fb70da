using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Gateway.OpenAi;
using Mostlyucid.LlmBackend.Gateway.Responses.Storage;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.Responses;

/// <summary>
/// Answers one checked Responses request through the pipeline, whole or streamed, and stores the finished response when
/// the request asked for it (<c>store</c>, OpenAI's default) — a failed one is never stored.
/// </summary>
internal sealed class ResponsesAnswer
{
    private readonly HttpContext _context;
    private readonly ILlmService _llm;
    private readonly TimeProvider _time;
    private readonly IResponseStore _store;
    private readonly ILogger _logger;
    private readonly ResponsesRequest _request;
    private readonly IReadOnlyList<ResponsesInputResolver.PlacedItem> _conversation;
    private readonly string _owner;
    private readonly string _id = ResponseIds.Response();
    private readonly long _createdAt;

    /// <summary>Prepares the answer.</summary>
    public ResponsesAnswer(HttpContext context, ILlmService llm, TimeProvider time, IResponseStore store, ILogger logger, ResponsesRequest request, IReadOnlyList<ResponsesInputResolver.PlacedItem> conversation, string owner)
    {
        _context = context;
        _llm = llm;
        _time = time;
        _store = store;
        _logger = logger;
        _request = request;
        _conversation = conversation;
        _owner = owner;
        _createdAt = time.GetUtcNow().ToUnixTimeSeconds();
    }

    /// <summary>Answers with the whole Response object.</summary>
    public async Task ReplyAsync()
    {
        var response = await _llm.ChatAsync(_request.Chat, _context.RequestAborted).ConfigureAwait(false);
        GatewayHeaders.SetAnswer(_context.Response, response.BackendUsed, response.Attempts);
        GatewayHeaders.SetCost(_context.Response, response.CostUsd);
        if (!response.Success)
        {
            await OpenAiErrorResponder.WriteAsync(_context, response).ConfigureAwait(false);
            return;
        }

        var result = ResponseObjectBuilder.Build(
            _request, _id, _createdAt, "completed", response.ModelUsed ?? _request.Model, ResponseObjectBuilder.Output(response), ResponseObjectBuilder.Usage(response), _time.GetUtcNow().ToUnixTimeSeconds());
        ResponseObjectBuilder.Finish(result, response.FinishReason);
        await StoreAsync(result).ConfigureAwait(false);
        await JsonResponse.WriteAsync(_context, result, ResponsesJsonContext.Default.JsonObject).ConfigureAwait(false);
    }

    /// <summary>Answers with the Responses event stream.</summary>
    public async Task StreamAsync()
    {
        var updates = _llm.StreamChatAsync(_request.Chat, _context.RequestAborted).GetAsyncEnumerator(_context.RequestAborted);
        await using (updates.ConfigureAwait(false))
        {
            ChatStreamUpdate? update;
            try
            {
                update = await updates.MoveNextAsync().ConfigureAwait(false) ? updates.Current : null;
            }
            catch (LlmBackendException ex)
            {
                GatewayHeaders.SetAnswer(_context.Response, ex.Error.BackendName, ex.Attempts);
                await OpenAiErrorResponder.WriteAsync(_context, ex.Error).ConfigureAwait(false);
                return;
            }

            var writer = new ResponsesStreamWriter(_context, ResponseObjectBuilder.Build(_request, _id, _createdAt, "in_progress", _request.Model, new JsonArray(), usage: null));
            await writer.StartAsync(update).ConfigureAwait(false);
            if (await StreamRelay.RelayAsync(updates, update, writer).ConfigureAwait(false) is not (var finish, var usage, var cost))
            {
                return;
            }

            var result = await writer.FinishAsync(finish, usage, cost, _time.GetUtcNow().ToUnixTimeSeconds()).ConfigureAwait(false);
            await StoreAsync(result).ConfigureAwait(false);
        }
    }

    private async Task StoreAsync(JsonObject result)
    {
        if (!_request.Store)
        {
            return;
        }

        var input = new JsonArray();
        var items = new List<StoredItem>();
        foreach (var (item, _) in _conversation)
        {
            var copy = (JsonObject)item.DeepClone();
            copy["type"] ??= "message";
            if (copy["id"] is not JsonValue id || !id.TryGetValue<string>(out _))
            {
                copy["id"] = ItemId(copy);
            }

            input.Add(copy);
            items.Add(new StoredItem((string)copy["id"]!, copy.ToJsonString()));
        }

        foreach (var node in (JsonArray)result["output"]!)
        {
            items.Add(new StoredItem((string)node!["id"]!, node.ToJsonString()));
        }

        var stored = new StoredResponse(_id, _owner, _time.GetUtcNow(), result.ToJsonString(), input.ToJsonString(), items);

        // Stored before the client has the end of the answer, so its next request can already refer to it. A store that
        // fails costs the client its later references, not the answer it has paid for.
        try
        {
            await _store.SaveAsync(stored, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or InvalidOperationException or TimeoutException)
        {
            ResponsesLog.StoreFailed(_logger, _id, ex);
        }
    }

    /// <summary>An id for an input item the client sent without one (the stored input lists every item with an id).</summary>
    private static string ItemId(JsonObject item) => (string?)item["type"] switch
    {
        "function_call" => ResponseIds.FunctionCall(),
        "reasoning" => ResponseIds.Reasoning(),
        "function_call_output" => "fco_" + ResponseIds.Call()[5..],
        _ => ResponseIds.Message(),
    };
}
