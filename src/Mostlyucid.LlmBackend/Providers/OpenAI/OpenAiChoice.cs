using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.OpenAI;

/// <summary>One choice: <c>message</c> in a completion, <c>delta</c> in a stream chunk.</summary>
internal sealed class OpenAiChoice
{
    [JsonPropertyName("index")]
    public int Index { get; set; }

    [JsonPropertyName("message")]
    public OpenAiMessage? Message { get; set; }

    [JsonPropertyName("delta")]
    public OpenAiMessage? Delta { get; set; }

    /// <summary>Gets or sets the tokens' log probabilities (<c>{"content":[…],"refusal":…}</c>), when they were asked for.</summary>
    [JsonPropertyName("logprobs")]
    public System.Text.Json.JsonElement? Logprobs { get; set; }

    [JsonPropertyName("finish_reason")]
    public string? FinishReason { get; set; }
}
