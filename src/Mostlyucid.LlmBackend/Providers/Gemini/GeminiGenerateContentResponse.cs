using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Gemini;

/// <summary>
/// The answer of <c>generateContent</c>, and each event of <c>streamGenerateContent</c>: the candidates, why the prompt was
/// blocked (when it was), token counts, the model version and the response id. An error sent inside a stream arrives as
/// <see cref="Error"/>.
/// </summary>
internal sealed class GeminiGenerateContentResponse
{
    [JsonPropertyName("candidates")]
    public List<GeminiCandidate>? Candidates { get; set; }

    [JsonPropertyName("promptFeedback")]
    public GeminiPromptFeedback? PromptFeedback { get; set; }

    [JsonPropertyName("usageMetadata")]
    public GeminiUsageMetadata? UsageMetadata { get; set; }

    [JsonPropertyName("modelVersion")]
    public string? ModelVersion { get; set; }

    [JsonPropertyName("responseId")]
    public string? ResponseId { get; set; }

    [JsonPropertyName("error")]
    public GeminiErrorBody? Error { get; set; }
}
