using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Ollama;

/// <summary>The body of <c>GET /api/tags</c>: the models pulled to this Ollama.</summary>
internal sealed class OllamaModelList
{
    [JsonPropertyName("models")]
    public List<OllamaModel>? Models { get; set; }
}
