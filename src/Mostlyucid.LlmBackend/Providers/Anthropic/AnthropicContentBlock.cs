using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Anthropic;

/// <summary>
/// A content block, in a request or a response, or as a stream's <c>content_block</c>: <c>text</c>, <c>image</c>,
/// <c>tool_use</c>, <c>tool_result</c>, <c>thinking</c> or <c>redacted_thinking</c> (other types are read and ignored).
/// </summary>
internal sealed class AnthropicContentBlock
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    /// <summary>Gets or sets the text of a <c>text</c> block.</summary>
    [JsonPropertyName("text")]
    public string? Text { get; set; }

    /// <summary>Gets or sets the image of an <c>image</c> block.</summary>
    [JsonPropertyName("source")]
    public AnthropicImageSource? Source { get; set; }

    /// <summary>Gets or sets the call id of a <c>tool_use</c> block.</summary>
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    /// <summary>Gets or sets the tool name of a <c>tool_use</c> block.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>Gets or sets the arguments object of a <c>tool_use</c> block.</summary>
    [JsonPropertyName("input")]
    public JsonElement? Input { get; set; }

    /// <summary>Gets or sets the call a <c>tool_result</c> block answers.</summary>
    [JsonPropertyName("tool_use_id")]
    public string? ToolUseId { get; set; }

    /// <summary>
    /// Gets or sets a <c>tool_result</c>'s content: a string when sent; kept as JSON because server tool result blocks in
    /// responses carry arrays here.
    /// </summary>
    [JsonPropertyName("content")]
    public JsonElement? Content { get; set; }

    [JsonPropertyName("is_error")]
    public bool? IsError { get; set; }

    /// <summary>Gets or sets the reasoning text of a <c>thinking</c> block.</summary>
    [JsonPropertyName("thinking")]
    public string? Thinking { get; set; }

    /// <summary>Gets or sets the signature of a <c>thinking</c> block, sent back unchanged.</summary>
    [JsonPropertyName("signature")]
    public string? Signature { get; set; }

    /// <summary>Gets or sets a <c>document</c> block's title.</summary>
    [JsonPropertyName("title")]
    public string? Title { get; set; }

    /// <summary>Gets or sets the prompt-caching marker of a <c>text</c>, <c>image</c> or <c>document</c> block.</summary>
    [JsonPropertyName("cache_control")]
    public JsonElement? CacheControl { get; set; }

    /// <summary>Gets or sets the encrypted reasoning of a <c>redacted_thinking</c> block.</summary>
    [JsonPropertyName("data")]
    public string? Data { get; set; }
}
