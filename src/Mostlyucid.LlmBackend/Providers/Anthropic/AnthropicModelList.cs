using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Anthropic;

/// <summary>A page of <c>GET /v1/models</c>; the next page starts after <see cref="LastId"/> while <see cref="HasMore"/>.</summary>
internal sealed class AnthropicModelList
{
    [JsonPropertyName("data")]
    public List<AnthropicModel>? Data { get; set; }

    [JsonPropertyName("has_more")]
    public bool HasMore { get; set; }

    [JsonPropertyName("first_id")]
    public string? FirstId { get; set; }

    [JsonPropertyName("last_id")]
    public string? LastId { get; set; }
}
