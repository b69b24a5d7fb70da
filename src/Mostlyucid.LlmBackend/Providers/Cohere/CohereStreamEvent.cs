using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Cohere;

/// <summary>
/// One event of a streamed chat: <c>message-start</c>, <c>content-start</c>, <c>content-delta</c>, <c>content-end</c>,
/// <c>tool-plan-delta</c>, <c>tool-call-start</c>, <c>tool-call-delta</c>, <c>tool-call-end</c>, <c>citation-start</c>,
/// <c>citation-end</c> or <c>message-end</c>. A frame shaped like an error body (a top-level <c>message</c> string) is
/// an error.
/// </summary>
internal sealed class CohereStreamEvent
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("index")]
    public int? Index { get; set; }

    [JsonPropertyName("delta")]
    public CohereStreamDelta? Delta { get; set; }

    /// <summary>Gets or sets a top-level <c>message</c>: a string on an error frame (Cohere's error body is <c>{"message": …}</c>).</summary>
    [JsonPropertyName("message")]
    public JsonElement? Message { get; set; }

    /// <summary>Gets or sets a top-level <c>error</c>, which some gateways put on an error frame (a string or an object).</summary>
    [JsonPropertyName("error")]
    public JsonElement? Error { get; set; }
}
