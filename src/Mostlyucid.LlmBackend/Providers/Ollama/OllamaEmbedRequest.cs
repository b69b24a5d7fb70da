using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Ollama;

/// <summary>The body of <c>POST /api/embed</c>.</summary>
internal sealed class OllamaEmbedRequest
{
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("input")]
    public List<string>? Input { get; set; }

    /// <summary>Gets or sets the vector length, for models that can shorten their vectors.</summary>
    [JsonPropertyName("dimensions")]
    public int? Dimensions { get; set; }
}
