using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.OpenAI;

/// <summary>A content part: <c>{"type":"text","text":…}</c> or <c>{"type":"image_url","image_url":{"url":…,"detail":…}}</c>.</summary>
internal sealed class OpenAiContentPart
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("text")]
    public string? Text { get; set; }

    [JsonPropertyName("image_url")]
    public OpenAiImageUrl? ImageUrl { get; set; }

    /// <summary>Gets or sets the file of a <c>file</c> part (a PDF given inline).</summary>
    [JsonPropertyName("file")]
    public OpenAiFile? File { get; set; }
}
