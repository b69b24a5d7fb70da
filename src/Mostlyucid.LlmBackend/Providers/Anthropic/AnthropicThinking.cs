using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Anthropic;

/// <summary>Extended thinking: <c>{"type":"enabled","budget_tokens":N}</c>.</summary>
internal sealed class AnthropicThinking
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("budget_tokens")]
    public int? BudgetTokens { get; set; }
}
