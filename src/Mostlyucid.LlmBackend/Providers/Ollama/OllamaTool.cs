using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Ollama;

/// <summary>A tool offered in <c>tools</c>: <c>{"type": "function", "function": {…}}</c>.</summary>
internal sealed class OllamaTool
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("function")]
    public OllamaFunctionDefinition? Function { get; set; }
}
