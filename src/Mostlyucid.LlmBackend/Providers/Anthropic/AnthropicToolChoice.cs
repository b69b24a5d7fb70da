using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Anthropic;

/// <summary><c>tool_choice</c>: <c>auto</c>, <c>any</c>, <c>tool</c> (with <see cref="Name"/>) or <c>none</c>.</summary>
internal sealed class AnthropicToolChoice
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>Gets or sets whether the model must call at most one tool (not allowed with <c>none</c>).</summary>
    [JsonPropertyName("disable_parallel_tool_use")]
    public bool? DisableParallelToolUse { get; set; }
}
