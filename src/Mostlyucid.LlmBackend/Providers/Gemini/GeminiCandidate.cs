using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Gemini;

/// <summary>One candidate answer: its content, why generation stopped, and its index.</summary>
internal sealed class GeminiCandidate
{
    [JsonPropertyName("content")]
    public GeminiContent? Content { get; set; }

    [JsonPropertyName("finishReason")]
    public string? FinishReason { get; set; }

    [JsonPropertyName("finishMessage")]
    public string? FinishMessage { get; set; }

    [JsonPropertyName("index")]
    public int? Index { get; set; }
}
