using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.OpenAI;

/// <summary>Groq's <c>x_groq</c> stream field.</summary>
internal sealed class OpenAiGroqExtension
{
    [JsonPropertyName("usage")]
    public OpenAiUsage? Usage { get; set; }
}
