using System.Text.Json;

namespace Mostlyucid.LlmBackend.Models;

/// <summary>A function the model may call.</summary>
public sealed class ToolDefinition
{
    /// <summary>Gets or sets the function's name (letters, digits, <c>_</c> and <c>-</c>).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets what the function does, for the model.</summary>
    public string? Description { get; set; }

    /// <summary>Gets or sets the JSON Schema of the arguments object; <see langword="null"/> means no arguments.</summary>
    public JsonElement? Parameters { get; set; }

    /// <summary>Gets or sets whether the provider must follow the schema exactly (OpenAI's <c>strict</c>), where supported.</summary>
    public bool? Strict { get; set; }

    /// <summary>
    /// Gets or sets Anthropic's prompt-caching marker for this tool (<c>{"type":"ephemeral"}</c>, optionally with a
    /// <c>ttl</c>), sent to Anthropic backends as the tool's <c>cache_control</c>; other providers have none and ignore it.
    /// </summary>
    public JsonElement? CacheControl { get; set; }
}
