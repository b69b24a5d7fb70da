namespace Mostlyucid.LlmBackend.Models;

/// <summary>
/// One part of a multimodal message (<see cref="ChatMessage.Parts"/>): text, or an image given by URL (including
/// <c>data:</c> URLs) or by bytes with a media type. Create them with <see cref="FromText"/>, <see cref="FromImageUrl"/> and
/// <see cref="FromImageBytes"/>.
/// </summary>
public sealed class ContentPart
{
    /// <summary>Gets or sets what the part holds.</summary>
    public ContentPartKind Kind { get; set; }

    /// <summary>Gets or sets the text of a <see cref="ContentPartKind.Text"/> part.</summary>
    public string? Text { get; set; }

    /// <summary>Gets or sets the URL of an image (http(s) or a <c>data:</c> URL).</summary>
    public string? Url { get; set; }

    /// <summary>Gets or sets the bytes of an image given inline.</summary>
    public ReadOnlyMemory<byte>? Data { get; set; }

    /// <summary>Gets or sets the media type of <see cref="Data"/> (for example <c>image/png</c>).</summary>
    public string? MediaType { get; set; }

    /// <summary>Gets or sets OpenAI's image detail hint (<c>low</c>, <c>high</c>, <c>auto</c>), where supported.</summary>
    public string? Detail { get; set; }

    /// <summary>Gets or sets a document's title, where the provider takes one.</summary>
    public string? Title { get; set; }

    /// <summary>
    /// Gets or sets Anthropic's prompt-caching marker for this part (<c>{"type":"ephemeral"}</c>), sent to Anthropic
    /// backends as the block's <c>cache_control</c>; other providers have none and ignore it.
    /// </summary>
    public System.Text.Json.JsonElement? CacheControl { get; set; }

    /// <summary>Creates a document part from bytes (a PDF: <c>application/pdf</c>).</summary>
    /// <param name="data">The document's bytes.</param>
    /// <param name="mediaType">Their media type.</param>
    /// <param name="title">An optional title.</param>
    /// <returns>The part.</returns>
    public static ContentPart FromDocumentBytes(ReadOnlyMemory<byte> data, string mediaType, string? title = null) =>
        new() { Kind = ContentPartKind.Document, Data = data, MediaType = mediaType, Title = title };

    /// <summary>Creates a document part from a URL (a PDF on the web).</summary>
    /// <param name="url">The document's http(s) URL.</param>
    /// <param name="title">An optional title.</param>
    /// <returns>The part.</returns>
    public static ContentPart FromDocumentUrl(string url, string? title = null) =>
        new() { Kind = ContentPartKind.Document, Url = url, MediaType = "application/pdf", Title = title };

    /// <summary>Creates a plain-text document part.</summary>
    /// <param name="text">The document's text.</param>
    /// <param name="title">An optional title.</param>
    /// <returns>The part.</returns>
    public static ContentPart FromDocumentText(string text, string? title = null) =>
        new() { Kind = ContentPartKind.Document, Text = text, MediaType = "text/plain", Title = title };

    /// <summary>Creates a text part.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The part.</returns>
    public static ContentPart FromText(string text) => new() { Kind = ContentPartKind.Text, Text = text };

    /// <summary>Creates an image part from a URL.</summary>
    /// <param name="url">An http(s) URL or a <c>data:</c> URL.</param>
    /// <param name="detail">An optional detail hint.</param>
    /// <returns>The part.</returns>
    public static ContentPart FromImageUrl(string url, string? detail = null) => new() { Kind = ContentPartKind.Image, Url = url, Detail = detail };

    /// <summary>Creates an image part from bytes.</summary>
    /// <param name="data">The image bytes.</param>
    /// <param name="mediaType">Their media type, such as <c>image/png</c>.</param>
    /// <returns>The part.</returns>
    public static ContentPart FromImageBytes(ReadOnlyMemory<byte> data, string mediaType) => new() { Kind = ContentPartKind.Image, Data = data, MediaType = mediaType };

    /// <summary>Gets the image as bytes and media type, decoding a base64 <c>data:</c> URL when that is how it was given.</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="mediaType">The media type.</param>
    /// <returns><see langword="true"/> when the image is available as bytes.</returns>
    public bool TryGetImageBytes(out ReadOnlyMemory<byte> data, out string mediaType)
    {
        if (Data is { } bytes)
        {
            data = bytes;
            mediaType = MediaType ?? "application/octet-stream";
            return true;
        }

        if (Url is { } url && url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            var comma = url.IndexOf(',', StringComparison.Ordinal);
            var header = comma > 5 ? url[5..comma] : string.Empty;
            if (comma > 0 && header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
            {
                mediaType = header[..^7];
                data = Convert.FromBase64String(url[(comma + 1)..]);
                return true;
            }
        }

        data = default;
        mediaType = string.Empty;
        return false;
    }

    /// <summary>Gets the image as a URL, encoding inline bytes as a base64 <c>data:</c> URL.</summary>
    /// <returns>The URL.</returns>
    public string ToImageUrl() =>
        Url ?? $"data:{MediaType ?? "application/octet-stream"};base64,{Convert.ToBase64String((Data ?? ReadOnlyMemory<byte>.Empty).Span)}";
}
