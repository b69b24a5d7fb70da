using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Gemini;

/// <summary>One embedding vector.</summary>
internal sealed class GeminiContentEmbedding
{
    [JsonPropertyName("values")]
    public float[]? Values { get; set; }
}
