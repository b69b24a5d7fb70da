using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Gemini;

/// <summary>One turn of a conversation (<c>role</c> <c>user</c> or <c>model</c>), or the system instruction (no role).</summary>
internal sealed class GeminiContent
{
    [JsonPropertyName("role")]
    public string? Role { get; set; }

    [JsonPropertyName("parts")]
    public List<GeminiPart>? Parts { get; set; }
}
