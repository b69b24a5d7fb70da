using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Gemini;

/// <summary>Google's error body: <c>{"error": {"code", "message", "status", "details"}}</c>.</summary>
internal sealed class GeminiErrorEnvelope
{
    [JsonPropertyName("error")]
    public GeminiErrorBody? Error { get; set; }
}
