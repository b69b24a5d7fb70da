using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Cohere;

/// <summary>A chat answer's usage: the tokens the model saw and produced, and the units billed.</summary>
internal sealed class CohereUsage
{
    [JsonPropertyName("billed_units")]
    public CohereTokenCounts? BilledUnits { get; set; }

    [JsonPropertyName("tokens")]
    public CohereTokenCounts? Tokens { get; set; }
}
