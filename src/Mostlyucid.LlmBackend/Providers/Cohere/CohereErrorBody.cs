using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Cohere;

/// <summary>Cohere's error body: <c>{"id": …, "message": …}</c>.</summary>
internal sealed class CohereErrorBody
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }
}
