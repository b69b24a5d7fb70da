using System.Text.Json;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.Anthropic;

/// <summary>
/// Reads the blocks of an Anthropic user turn that carry a <c>source</c> — <c>image</c> (base64 or URL) and
/// <c>document</c> (a PDF as base64 or URL, or plain text) — and any block's <c>cache_control</c>. A value of the wrong
/// kind is a 400 naming the field.
/// </summary>
internal static class AnthropicSourceReader
{
    /// <summary>Reads a block's <c>cache_control</c> (an object such as <c>{"type":"ephemeral"}</c>), if it has one.</summary>
    public static JsonElement? CacheControl(JsonFieldReader fields, JsonNode? block, string path) =>
        fields.Object(block, "cache_control", $"{path}.cache_control") is { } marker
            ? JsonSerializer.SerializeToElement(marker, GatewayNodeContext.Default.JsonNode)
            : null;

    public static ContentPart? Image(JsonFieldReader fields, JsonObject? source, string path)
    {
        switch (fields.String(source, "type", $"{path}.type", required: true))
        {
            case "base64":
                var data = fields.String(source, "data", $"{path}.data", required: true);
                var mediaType = fields.String(source, "media_type", $"{path}.media_type", required: true);
                return data is null || mediaType is null ? null : Bytes(fields, data, $"{path}.data") is { } bytes ? ContentPart.FromImageBytes(bytes, mediaType) : null;
            case "url":
                return fields.String(source, "url", $"{path}.url", required: true) is { } url ? ContentPart.FromImageUrl(url) : null;
            case { } other:
                return fields.Fail<ContentPart>($"{path}.type: image source type '{JsonFieldReader.Quote(other)}' is not supported (base64 and url are)");
            default:
                return null;
        }
    }

    /// <summary>Reads a <c>document</c> block: a base64 PDF, a PDF URL, or a plain-text source; with its title.</summary>
    public static ContentPart? Document(JsonFieldReader fields, JsonNode block, string path)
    {
        var source = fields.Object(block, "source", $"{path}.source", required: true);
        var title = fields.String(block, "title", $"{path}.title");
        var at = $"{path}.source";
        switch (fields.String(source, "type", $"{at}.type", required: true))
        {
            case "base64":
                var data = fields.String(source, "data", $"{at}.data", required: true);
                var mediaType = fields.String(source, "media_type", $"{at}.media_type", required: true);
                if (mediaType is not null && mediaType != "application/pdf")
                {
                    return fields.Fail<ContentPart>($"{at}.media_type: base64 documents must be 'application/pdf', not '{JsonFieldReader.Quote(mediaType)}'");
                }

                return data is null || mediaType is null ? null : Bytes(fields, data, $"{at}.data") is { } bytes ? ContentPart.FromDocumentBytes(bytes, mediaType, title) : null;
            case "url":
                return fields.String(source, "url", $"{at}.url", required: true) is { } url ? ContentPart.FromDocumentUrl(url, title) : null;
            case "text":
                var text = fields.String(source, "data", $"{at}.data", required: true);
                return text is null ? null : ContentPart.FromDocumentText(text, title);
            case { } other:
                return fields.Fail<ContentPart>($"{at}.type: document source type '{JsonFieldReader.Quote(other)}' is not supported (base64, url and text are)");
            default:
                return null;
        }
    }

    private static byte[]? Bytes(JsonFieldReader fields, string data, string path)
    {
        try
        {
            return Convert.FromBase64String(data);
        }
        catch (FormatException)
        {
            return fields.Fail<byte[]>($"{path}: is not valid base64");
        }
    }
}
