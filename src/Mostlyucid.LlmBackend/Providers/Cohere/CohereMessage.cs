using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Cohere;

/// <summary>
/// A message: in a request, a response's <c>message</c>, or a stream event's <c>delta.message</c> (where <c>content</c>
/// and <c>tool_calls</c> are single objects rather than arrays; the converters read both).
/// </summary>
internal sealed class CohereMessage
{
    [JsonPropertyName("role")]
    public string? Role { get; set; }

    [JsonPropertyName("content")]
    public CohereContent? Content { get; set; }

    [JsonPropertyName("tool_calls")]
    [JsonConverter(typeof(CohereToolCallListConverter))]
    public List<CohereToolCall>? ToolCalls { get; set; }

    [JsonPropertyName("tool_call_id")]
    public string? ToolCallId { get; set; }

    /// <summary>Gets or sets the model's plan before calling tools (reasoning, in this library's terms).</summary>
    [JsonPropertyName("tool_plan")]
    public string? ToolPlan { get; set; }
}
