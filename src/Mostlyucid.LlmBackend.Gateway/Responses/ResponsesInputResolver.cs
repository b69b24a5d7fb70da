using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Gateway.Responses.Storage;

namespace Mostlyucid.LlmBackend.Gateway.Responses;

/// <summary>
/// Makes the whole conversation a request continues: the items of <c>previous_response_id</c> (its input and output, as
/// stored) and the request's own items, each <c>{"type":"item_reference","id":…}</c> replaced by the stored item. Only
/// the caller's own key's responses are found; an unknown id is OpenAI's error for it (400 for a previous response, 404
/// for an item).
/// </summary>
internal static class ResponsesInputResolver
{
    /// <summary>One item of the conversation, and where it came from for messages (<c>input[3]</c>).</summary>
    /// <param name="Item">The item.</param>
    /// <param name="Path">Its path in the request, or where it was stored.</param>
    public readonly record struct PlacedItem(JsonObject Item, string Path);

    /// <summary>Resolves the conversation.</summary>
    /// <returns>The items, oldest first, or the problem to answer with.</returns>
    public static async Task<(List<PlacedItem>? Items, ResponsesProblem? Problem)> ResolveAsync(ResponsesRequest request, string owner, IResponseStore store, CancellationToken cancellationToken)
    {
        var items = new List<PlacedItem>();
        if (request.PreviousResponseId is { } previousId)
        {
            if (await store.GetAsync(owner, previousId, cancellationToken).ConfigureAwait(false) is not { } previous)
            {
                return (null, new ResponsesProblem(
                    $"Previous response with id '{Http.JsonFieldReader.Quote(previousId)}' not found. Responses are kept for a limited time, only when created with store: true, and only for the API key that created them.",
                    "previous_response_id",
                    400,
                    "previous_response_not_found"));
            }

            AddStored(items, previous.InputJson, $"previous_response_id ({previousId}) input");
            if (JsonNode.Parse(previous.ResponseJson)?["output"] is JsonArray output)
            {
                AddStored(items, output.ToJsonString(), $"previous_response_id ({previousId}) output");
            }
        }

        for (var i = 0; i < request.Input.Count; i++)
        {
            var item = (JsonObject)request.Input[i]!;
            var path = $"input[{i}]";
            if (item["type"]?.GetValueKind() != System.Text.Json.JsonValueKind.String || (string?)item["type"] != "item_reference")
            {
                items.Add(new PlacedItem(item, path));
                continue;
            }

            var id = item["id"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
            if (string.IsNullOrEmpty(id))
            {
                return (null, new ResponsesProblem($"{path}.id: an item_reference needs the id of an item of a stored response (a string).", path + ".id"));
            }

            if (await store.FindItemAsync(owner, id, cancellationToken).ConfigureAwait(false) is not { } stored || JsonNode.Parse(stored) is not JsonObject found)
            {
                return (null, new ResponsesProblem(
                    $"Item with id '{Http.JsonFieldReader.Quote(id)}' not found. Items are kept only when their response was created with store: true, for a limited time, and only for the API key that created them; send the item itself instead of a reference.",
                    "input",
                    404));
            }

            items.Add(new PlacedItem(found, path));
        }

        return (items, null);
    }

    private static void AddStored(List<PlacedItem> into, string json, string path)
    {
        if (JsonNode.Parse(json) is JsonArray stored)
        {
            foreach (var node in stored)
            {
                if (node is JsonObject item)
                {
                    into.Add(new PlacedItem((JsonObject)item.DeepClone(), path));
                }
            }
        }
    }
}
