using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Gateway.OpenAi;

/// <summary>One choice of a legacy text completion.</summary>
internal sealed class CompletionChoice
{
    [JsonPropertyName("text")]
    public string Text { get; set; } = string.Empty;

    [JsonPropertyName("index")]
    public int Index { get; set; }

    [JsonPropertyName("logprobs")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public System.Text.Json.JsonElement? Logprobs { get; set; }

    [JsonPropertyName("finish_reason")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? FinishReason { get; set; }
}
