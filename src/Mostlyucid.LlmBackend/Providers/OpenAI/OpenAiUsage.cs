using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.OpenAI;

/// <summary>Token counts, with the cached and reasoning details OpenAI reports.</summary>
internal sealed class OpenAiUsage
{
    [JsonPropertyName("prompt_tokens")]
    public int PromptTokens { get; set; }

    [JsonPropertyName("completion_tokens")]
    public int CompletionTokens { get; set; }

    [JsonPropertyName("total_tokens")]
    public int TotalTokens { get; set; }

    [JsonPropertyName("prompt_tokens_details")]
    public OpenAiPromptTokensDetails? PromptTokensDetails { get; set; }

    [JsonPropertyName("completion_tokens_details")]
    public OpenAiCompletionTokensDetails? CompletionTokensDetails { get; set; }

    /// <summary>
    /// Gets or sets what the answer cost in US dollars — the gateway's addition to the usage it returns (providers do not
    /// send it; clients ignore what they do not know).
    /// </summary>
    [JsonPropertyName("cost_usd")]
    public decimal? CostUsd { get; set; }
}
