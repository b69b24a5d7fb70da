using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Cohere;

/// <summary>An embed answer's vectors by embedding type; only <c>float</c> is asked for and read.</summary>
internal sealed class CohereEmbeddingsByType
{
    [JsonPropertyName("float")]
    public List<float[]>? Float { get; set; }
}
