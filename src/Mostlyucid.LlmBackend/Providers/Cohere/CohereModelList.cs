using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Cohere;

/// <summary>One page of <c>GET /v1/models</c>.</summary>
internal sealed class CohereModelList
{
    [JsonPropertyName("models")]
    public List<CohereModel>? Models { get; set; }

    /// <summary>Gets or sets the token for the next page (sent back as <c>page_token</c>); absent or empty on the last page.</summary>
    [JsonPropertyName("next_page_token")]
    public string? NextPageToken { get; set; }
}
