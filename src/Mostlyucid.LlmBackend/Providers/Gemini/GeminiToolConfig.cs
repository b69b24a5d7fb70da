using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Gemini;

/// <summary>The <c>toolConfig</c> of a request: how the model may call functions.</summary>
internal sealed class GeminiToolConfig
{
    [JsonPropertyName("functionCallingConfig")]
    public GeminiFunctionCallingConfig? FunctionCallingConfig { get; set; }
}
