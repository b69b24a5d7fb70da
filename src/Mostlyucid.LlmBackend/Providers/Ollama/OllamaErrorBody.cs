using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Ollama;

/// <summary>An error body: <c>{"error": "…"}</c>, with no code beyond the HTTP status.</summary>
internal sealed class OllamaErrorBody
{
    [JsonPropertyName("error")]
    public string? Error { get; set; }
}
