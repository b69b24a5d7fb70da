using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.OpenAI;

/// <summary>An error body: <c>{"error": {"message", "type", "param", "code"}}</c>.</summary>
internal sealed class OpenAiErrorEnvelope
{
    [JsonPropertyName("error")]
    public OpenAiErrorBody? Error { get; init; }
}
