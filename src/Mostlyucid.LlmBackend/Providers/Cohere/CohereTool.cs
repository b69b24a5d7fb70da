using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Cohere;

/// <summary>A tool offered to the model (<c>{"type":"function","function":{…}}</c>).</summary>
internal sealed class CohereTool
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("function")]
    public CohereFunctionDefinition? Function { get; set; }
}
