using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.OpenAI;

/// <summary>The function part of a tool call: its name and arguments as JSON text.</summary>
internal sealed class OpenAiFunctionCall
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>Gets or sets the arguments as JSON text (an object sent in place of the text is read as its JSON).</summary>
    [JsonPropertyName("arguments")]
    [JsonConverter(typeof(ArgumentsTextConverter))]
    public string? Arguments { get; set; }
}
