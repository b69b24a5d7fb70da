using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.Gateway.Auth;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Gateway.OpenAi;
using Mostlyucid.LlmBackend.Gateway.Responses.Storage;

namespace Mostlyucid.LlmBackend.Gateway.Responses;

/// <summary>
/// <c>GET /v1/responses/{id}</c>, <c>DELETE /v1/responses/{id}</c> and <c>GET /v1/responses/{id}/input_items</c>: a
/// stored response, as the key that created it stored it. Another key's response, an expired one and an unknown id are
/// all the same 404 in OpenAI's shape, so an id tells nothing about anyone else's conversations.
/// </summary>
internal static class ResponsesRetrievalEndpoints
{
    /// <summary>Returns the stored Response object.</summary>
    public static async Task GetAsync(HttpContext context, string id, IResponseStore store)
    {
        if (context.Request.Query.TryGetValue("stream", out var stream) && stream.ToString() == "true")
        {
            await OpenAiErrorResponder.WriteAsync(context, 400, "stream: replaying a stored response as events is not supported; leave stream out to get the Response object.", "invalid_request_error", null, "stream").ConfigureAwait(false);
            return;
        }

        if (await FindAsync(context, id, store).ConfigureAwait(false) is { } stored)
        {
            await WriteJsonAsync(context, stored.ResponseJson).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes the stored response: <c>{"id", "object": "response", "deleted": true}</c>.</summary>
    public static async Task DeleteAsync(HttpContext context, string id, IResponseStore store)
    {
        if (!await store.DeleteAsync(GatewayCallerFeature.Get(context).KeyName, id, context.RequestAborted).ConfigureAwait(false))
        {
            await NotFoundAsync(context, id).ConfigureAwait(false);
            return;
        }

        await JsonResponse.WriteAsync(context, new JsonObject { ["id"] = id, ["object"] = "response", ["deleted"] = true }, ResponsesJsonContext.Default.JsonObject).ConfigureAwait(false);
    }

    /// <summary>Lists the input items of a stored response, a page at a time (<c>limit</c>, <c>order</c>, <c>after</c>).</summary>
    public static async Task InputItemsAsync(HttpContext context, string id, IResponseStore store)
    {
        var query = context.Request.Query;
        var limitText = query["limit"].ToString();
        var order = query["order"].ToString() is { Length: > 0 } given ? given : "desc";
        var limit = 20;
        if ((limitText.Length > 0 && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 100)) || order is not ("asc" or "desc"))
        {
            var (param, message) = order is not ("asc" or "desc") ? ("order", "order: must be 'asc' or 'desc'.") : ("limit", "limit: must be a whole number from 1 to 100.");
            await OpenAiErrorResponder.WriteAsync(context, 400, message, "invalid_request_error", null, param).ConfigureAwait(false);
            return;
        }

        if (await FindAsync(context, id, store).ConfigureAwait(false) is not { } stored)
        {
            return;
        }

        var items = (JsonNode.Parse(stored.InputJson) as JsonArray ?? new JsonArray()).Select(i => i!.DeepClone()).ToList();
        if (order == "desc")
        {
            items.Reverse();
        }

        var after = query["after"].ToString();
        var start = after.Length == 0 ? 0 : items.FindIndex(i => (string?)i["id"] == after) + 1;
        var page = items.Skip(start).Take(limit).ToList();
        await JsonResponse.WriteAsync(context, new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(page.ToArray()),
            ["first_id"] = page.Count > 0 ? (string?)page[0]["id"] : null,
            ["last_id"] = page.Count > 0 ? (string?)page[^1]["id"] : null,
            ["has_more"] = start + page.Count < items.Count,
        }, ResponsesJsonContext.Default.JsonObject).ConfigureAwait(false);
    }

    private static async Task<StoredResponse?> FindAsync(HttpContext context, string id, IResponseStore store)
    {
        var stored = await store.GetAsync(GatewayCallerFeature.Get(context).KeyName, id, context.RequestAborted).ConfigureAwait(false);
        if (stored is null)
        {
            await NotFoundAsync(context, id).ConfigureAwait(false);
        }

        return stored;
    }

    private static Task NotFoundAsync(HttpContext context, string id) =>
        OpenAiErrorResponder.WriteAsync(
            context,
            404,
            $"Response with id '{JsonFieldReader.Quote(id)}' not found. Responses are kept only when created with store: true, for a limited time (Gateway:Responses:RetentionHours), and only for the API key that created them.",
            "invalid_request_error",
            null,
            "response_id");

    private static Task WriteJsonAsync(HttpContext context, string json)
    {
        var body = System.Text.Encoding.UTF8.GetBytes(json);
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }
}
