using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Anthropic;

/// <summary>The answer of <c>POST /v1/messages/count_tokens</c>.</summary>
internal sealed class AnthropicCountTokensResponse
{
    [JsonPropertyName("input_tokens")]
    public int? InputTokens { get; set; }
}
