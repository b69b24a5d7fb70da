using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Cohere;

/// <summary>Reasoning settings for models that reason: <c>{"type":"enabled"|"disabled","token_budget":…}</c>.</summary>
internal sealed class CohereThinking
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("token_budget")]
    public int? TokenBudget { get; set; }
}
