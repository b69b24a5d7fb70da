using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.OpenAI;

/// <summary>A chat completion, or one chunk of a streamed one (<c>object: chat.completion.chunk</c>, choices carry <c>delta</c>).</summary>
internal sealed class OpenAiChatResponse
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("object")]
    public string? Object { get; set; }

    [JsonPropertyName("created")]
    public long? Created { get; set; }

    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("system_fingerprint")]
    public string? SystemFingerprint { get; set; }

    [JsonPropertyName("choices")]
    public List<OpenAiChoice>? Choices { get; set; }

    [JsonPropertyName("usage")]
    public OpenAiUsage? Usage { get; set; }

    /// <summary>Gets or sets Groq's extension, which carries usage on its last stream chunk.</summary>
    [JsonPropertyName("x_groq")]
    public OpenAiGroqExtension? XGroq { get; set; }

    /// <summary>Gets or sets an error sent inside a stream.</summary>
    [JsonPropertyName("error")]
    public OpenAiErrorBody? Error { get; set; }
}
