using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Providers.OpenAI;

namespace Mostlyucid.LlmBackend.Gateway.OpenAi;

/// <summary>
/// Reads a chat message's <c>{"type":"file","file":{…}}</c> part: a PDF given inline as a base64 <c>data:</c> URL becomes
/// a document part. A <c>file_id</c> names a file uploaded to OpenAI's Files API, which the gateway does not have.
/// </summary>
internal static class OpenAiFilePart
{
    public static (ContentPart? Part, string? Problem) Read(OpenAiFile? file)
    {
        if (file?.FileData is not { Length: > 0 } data)
        {
            return (null, file?.FileId is { Length: > 0 }
                ? "file parts given by file_id are not supported (the gateway has no Files API): send the file inline as file_data, a base64 data: URL"
                : "a file part needs file.file_data, a base64 data: URL");
        }

        const string Prefix = "data:";
        var comma = data.IndexOf(',', StringComparison.Ordinal);
        if (!data.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || comma < 0 || !data.AsSpan(Prefix.Length, comma - Prefix.Length).EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            return (null, "file.file_data must be a base64 data: URL (data:application/pdf;base64,…)");
        }

        var mediaType = data[Prefix.Length..(comma - ";base64".Length)];
        try
        {
            return (ContentPart.FromDocumentBytes(Convert.FromBase64String(data[(comma + 1)..]), mediaType, file.FileName), null);
        }
        catch (FormatException)
        {
            return (null, "file.file_data is not valid base64");
        }
    }
}
