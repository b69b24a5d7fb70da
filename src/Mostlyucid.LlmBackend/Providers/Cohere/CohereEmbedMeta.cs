using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Cohere;

/// <summary>An embed answer's <c>meta</c>: the units billed.</summary>
internal sealed class CohereEmbedMeta
{
    [JsonPropertyName("billed_units")]
    public CohereTokenCounts? BilledUnits { get; set; }
}
