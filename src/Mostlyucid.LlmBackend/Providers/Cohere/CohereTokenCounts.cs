using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Cohere;

/// <summary>Input and output token counts (Cohere's schema types them as numbers, so fractions are accepted).</summary>
internal sealed class CohereTokenCounts
{
    [JsonPropertyName("input_tokens")]
    public double? InputTokens { get; set; }

    [JsonPropertyName("output_tokens")]
    public double? OutputTokens { get; set; }
}
