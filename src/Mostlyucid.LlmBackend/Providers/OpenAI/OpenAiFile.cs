using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.OpenAI;

/// <summary>The file of a <c>{"type":"file","file":{…}}</c> content part: inline as a <c>data:</c> URL, or an uploaded file's id.</summary>
internal sealed class OpenAiFile
{
    [JsonPropertyName("filename")]
    public string? FileName { get; set; }

    /// <summary>Gets or sets the file as a base64 <c>data:</c> URL (<c>data:application/pdf;base64,…</c>).</summary>
    [JsonPropertyName("file_data")]
    public string? FileData { get; set; }

    [JsonPropertyName("file_id")]
    public string? FileId { get; set; }
}
