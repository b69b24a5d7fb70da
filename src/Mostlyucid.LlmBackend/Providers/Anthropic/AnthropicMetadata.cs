using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Anthropic;

/// <summary>A request's <c>metadata</c>: an opaque end-user id for abuse detection.</summary>
internal sealed class AnthropicMetadata
{
    [JsonPropertyName("user_id")]
    public string? UserId { get; set; }
}
