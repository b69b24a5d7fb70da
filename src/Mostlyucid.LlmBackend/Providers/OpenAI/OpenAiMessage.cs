using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.OpenAI;

/// <summary>One message in a chat completions request or response.</summary>
internal sealed class OpenAiMessage
{
    [JsonPropertyName("role")]
    public string? Role { get; init; }

    [JsonPropertyName("content")]
    public string? Content { get; init; }

    /// <summary>Gets the refusal text some models return instead of content.</summary>
    [JsonPropertyName("refusal")]
    public string? Refusal { get; init; }
}
