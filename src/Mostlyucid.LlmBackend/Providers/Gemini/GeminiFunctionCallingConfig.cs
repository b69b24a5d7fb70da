using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Gemini;

/// <summary>The function calling mode (<c>AUTO</c>, <c>ANY</c>, <c>NONE</c>) and, with <c>ANY</c>, the functions allowed.</summary>
internal sealed class GeminiFunctionCallingConfig
{
    [JsonPropertyName("mode")]
    public string? Mode { get; set; }

    [JsonPropertyName("allowedFunctionNames")]
    public List<string>? AllowedFunctionNames { get; set; }
}
