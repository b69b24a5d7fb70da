using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Gemini;

/// <summary>
/// A function the model may call. Its parameters go in <c>parametersJsonSchema</c>, which takes JSON Schema as it is (the
/// older <c>parameters</c> field takes only Google's OpenAPI subset and would reject common schemas).
/// </summary>
internal sealed class GeminiFunctionDeclaration
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("description")]
    public string? Description { get; set; }

    [JsonPropertyName("parametersJsonSchema")]
    public JsonElement? ParametersJsonSchema { get; set; }
}
