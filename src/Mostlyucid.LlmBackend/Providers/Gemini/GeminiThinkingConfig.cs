using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Gemini;

/// <summary>The thinking budget in tokens (0 turns thinking off where the model allows) and whether to return thought summaries.</summary>
internal sealed class GeminiThinkingConfig
{
    [JsonPropertyName("thinkingBudget")]
    public int? ThinkingBudget { get; set; }

    [JsonPropertyName("includeThoughts")]
    public bool? IncludeThoughts { get; set; }
}
