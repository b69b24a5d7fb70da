using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Gemini;

/// <summary>Why the prompt was blocked (<c>SAFETY</c>, <c>PROHIBITED_CONTENT</c>, <c>BLOCKLIST</c>, <c>OTHER</c>, …), when it was.</summary>
internal sealed class GeminiPromptFeedback
{
    [JsonPropertyName("blockReason")]
    public string? BlockReason { get; set; }

    [JsonPropertyName("blockReasonMessage")]
    public string? BlockReasonMessage { get; set; }
}
