using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Anthropic;

/// <summary>One turn of a request's <c>messages</c>: a role (<c>user</c> or <c>assistant</c>) and its content blocks.</summary>
internal sealed class AnthropicMessage
{
    [JsonPropertyName("role")]
    public string? Role { get; set; }

    /// <summary>Gets or sets the content, always written as blocks (Anthropic also accepts a plain string).</summary>
    [JsonPropertyName("content")]
    public List<AnthropicContentBlock> Content { get; set; } = new();
}
