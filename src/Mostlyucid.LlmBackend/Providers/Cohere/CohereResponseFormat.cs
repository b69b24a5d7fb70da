using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Cohere;

/// <summary>The required shape of the answer: <c>{"type":"json_object"}</c>, optionally with a <c>json_schema</c>.</summary>
internal sealed class CohereResponseFormat
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("json_schema")]
    public JsonElement? JsonSchema { get; set; }
}
