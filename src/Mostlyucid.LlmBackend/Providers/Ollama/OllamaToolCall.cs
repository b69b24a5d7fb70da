using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Ollama;

/// <summary>A tool call in a message: <c>{"id"?, "function": {"name", "arguments"}}</c>, whole even when streamed.</summary>
internal sealed class OllamaToolCall
{
    /// <summary>Gets or sets the call's id; recent Ollama versions send one, older ones do not.</summary>
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("function")]
    public OllamaFunctionCall? Function { get; set; }
}
