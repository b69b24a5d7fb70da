using System.Text.Json.Serialization;
using Mostlyucid.LlmBackend.Providers.OpenAI;

namespace Mostlyucid.LlmBackend.Gateway.OpenAi;

/// <summary>A legacy text completion, or one chunk of a streamed one.</summary>
internal sealed class CompletionResponse
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("object")]
    public string Object { get; set; } = "text_completion";

    [JsonPropertyName("created")]
    public long Created { get; set; }

    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("choices")]
    public List<CompletionChoice> Choices { get; set; } = new();

    [JsonPropertyName("usage")]
    public OpenAiUsage? Usage { get; set; }
}
