namespace Mostlyucid.LlmBackend.Gateway.Responses.Storage;

/// <summary>One item of a stored response that a later request can name by id in an <c>item_reference</c>.</summary>
/// <param name="Id">The item's id (<c>msg_…</c>, <c>fc_…</c>, <c>rs_…</c>, or the client's own).</param>
/// <param name="Json">The item as a JSON object.</param>
internal sealed record StoredItem(string Id, string Json);
