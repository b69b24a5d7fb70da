using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Cohere;

/// <summary>A tool call: in an assistant message, or a piece of one in a stream event.</summary>
internal sealed class CohereToolCall
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("function")]
    public CohereFunctionCall? Function { get; set; }
}
