using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Ollama;

/// <summary>The body of <c>POST /api/chat</c>.</summary>
internal sealed class OllamaChatRequest
{
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("messages")]
    public List<OllamaMessage>? Messages { get; set; }

    [JsonPropertyName("tools")]
    public List<OllamaTool>? Tools { get; set; }

    /// <summary>Gets or sets the output format: the string <c>json</c>, or a JSON Schema object.</summary>
    [JsonPropertyName("format")]
    public JsonElement? Format { get; set; }

    [JsonPropertyName("options")]
    public OllamaOptions? Options { get; set; }

    /// <summary>Gets or sets whether to stream. Always written: Ollama streams when the field is absent.</summary>
    [JsonPropertyName("stream")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public bool Stream { get; set; }

    /// <summary>Gets or sets whether a thinking model should think (and return <c>message.thinking</c>).</summary>
    [JsonPropertyName("think")]
    public bool? Think { get; set; }
}
