using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.OpenAI;

/// <summary>A tool definition: <c>{"type":"function","function":{…}}</c>.</summary>
internal sealed class OpenAiTool
{
    [JsonPropertyName("type")]
    public string? Type { get; set; } = "function";

    [JsonPropertyName("function")]
    public OpenAiFunctionDefinition? Function { get; set; }
}
