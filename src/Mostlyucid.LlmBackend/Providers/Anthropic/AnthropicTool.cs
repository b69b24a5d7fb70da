using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Anthropic;

/// <summary>A client tool the model may call: name, description and the JSON Schema of its input.</summary>
internal sealed class AnthropicTool
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("description")]
    public string? Description { get; set; }

    [JsonPropertyName("input_schema")]
    public JsonElement? InputSchema { get; set; }

    /// <summary>Gets or sets the prompt-caching marker (<c>{"type":"ephemeral"}</c>).</summary>
    [JsonPropertyName("cache_control")]
    public JsonElement? CacheControl { get; set; }
}
