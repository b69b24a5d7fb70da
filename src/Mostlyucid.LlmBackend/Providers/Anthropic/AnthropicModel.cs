using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Anthropic;

/// <summary>A model in <c>GET /v1/models</c>: id, display name and release time (RFC 3339).</summary>
internal sealed class AnthropicModel
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("display_name")]
    public string? DisplayName { get; set; }

    /// <summary>Gets or sets the release time as sent; read leniently so one odd date does not fail the whole list.</summary>
    [JsonPropertyName("created_at")]
    public string? CreatedAt { get; set; }
}
