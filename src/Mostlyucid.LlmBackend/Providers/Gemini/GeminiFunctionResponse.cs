using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Gemini;

/// <summary>A function's result sent back to the model: the call's id (when the model gave one), the function and a JSON object.</summary>
internal sealed class GeminiFunctionResponse
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("response")]
    public JsonElement? Response { get; set; }
}
