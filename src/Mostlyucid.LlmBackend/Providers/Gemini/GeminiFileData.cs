using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Gemini;

/// <summary>Media by reference (<c>fileData</c>): a Files API, Cloud Storage or public URI and its media type.</summary>
internal sealed class GeminiFileData
{
    [JsonPropertyName("mimeType")]
    public string? MimeType { get; set; }

    [JsonPropertyName("fileUri")]
    public string? FileUri { get; set; }
}
