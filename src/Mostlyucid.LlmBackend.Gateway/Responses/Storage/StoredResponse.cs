namespace Mostlyucid.LlmBackend.Gateway.Responses.Storage;

/// <summary>
/// A response the gateway stored: the Response object as it was returned, the conversation's items that led to it (for
/// <c>previous_response_id</c> and <c>input_items</c>), and the items that can be referred to by id. Kept as JSON text,
/// so nothing shares a mutable document.
/// </summary>
/// <param name="Id">The response's id (<c>resp_…</c>).</param>
/// <param name="Owner">The name of the gateway key that created it; only that key can see it.</param>
/// <param name="CreatedAt">When it was stored.</param>
/// <param name="ResponseJson">The Response object.</param>
/// <param name="InputJson">The conversation's input items, as a JSON array (earlier turns of a previous response included).</param>
/// <param name="Items">The items with ids a later request may name in an <c>item_reference</c>: its output and identified inputs.</param>
internal sealed record StoredResponse(string Id, string Owner, DateTimeOffset CreatedAt, string ResponseJson, string InputJson, IReadOnlyList<StoredItem> Items);
