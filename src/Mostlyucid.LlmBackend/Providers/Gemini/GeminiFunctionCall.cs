using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Gemini;

/// <summary>A call the model asks for: the function, its arguments as a JSON object, and on newer models an id.</summary>
internal sealed class GeminiFunctionCall
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("args")]
    public JsonElement? Args { get; set; }
}
