using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Mostlyucid.LlmBackend.Gateway.Http;

/// <summary>
/// Finds text in a JSON body that is not valid Unicode — bytes that are not UTF-8, or an escaped surrogate without its
/// partner (<c>"\udc00"</c>) — which parsers accept and only fail on (or silently replace) when the string is used.
/// Valid bodies cost one vectorised UTF-8 check and a search for <c>\u</c> escapes; only a body that has a problem, or
/// escaped surrogates at all, is walked token by token to name the field.
/// </summary>
internal static class JsonTextCheck
{
    /// <summary>Checks a body.</summary>
    /// <param name="json">The body.</param>
    /// <returns><see langword="null"/> when all text is valid; otherwise the problem and the field it is in.</returns>
    public static (string Message, string? Field)? Find(ReadOnlySpan<byte> json)
    {
        if (Utf8.IsValid(json) && !MayHoldEscapedSurrogate(json))
        {
            return null;
        }

        return Walk(json);
    }

    private static bool MayHoldEscapedSurrogate(ReadOnlySpan<byte> json)
    {
        var rest = json;
        int at;
        while ((at = rest.IndexOf("\\u"u8)) >= 0)
        {
            if (at + 2 < rest.Length && (rest[at + 2] | 0x20) == 'd' && at + 3 < rest.Length && rest[at + 3] is (>= (byte)'8' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f') or (>= (byte)'A' and <= (byte)'F'))
            {
                return true;
            }

            rest = rest[(at + 2)..];
        }

        return false;
    }

    private static (string Message, string? Field)? Walk(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 });
        var open = new List<Container>();
        string? property = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        if (Invalid(ref reader))
                        {
                            return Problem(Field(open, null), "a property name");
                        }

                        property = reader.GetString();
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        open.Add(new Container(Segment(open, property), reader.TokenType == JsonTokenType.StartArray));
                        property = null;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        open.RemoveAt(open.Count - 1);
                        AfterValue(open);
                        break;
                    case JsonTokenType.String when Invalid(ref reader):
                        return Problem(Field(open, Segment(open, property)), "a string");
                    default:
                        property = null;
                        AfterValue(open);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON at all: the parser that runs next says where.
        }

        return Utf8.IsValid(json) ? null : ("The request body is not valid UTF-8 text; send the JSON encoded as UTF-8.", null);
    }

    private static bool Invalid(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return !Utf8.IsValid(reader.ValueSpan);
        }

        try
        {
            reader.GetString();
            return false;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    /// <summary>Where the next value is, within the innermost open container: its property name or its array index.</summary>
    private static string? Segment(List<Container> open, string? property) =>
        open.Count == 0 ? null : open[^1].IsArray ? $"[{open[^1].Next}]" : property;

    private static void AfterValue(List<Container> open)
    {
        if (open.Count > 0 && open[^1].IsArray)
        {
            open[^1].Next++;
        }
    }

    private static string? Field(List<Container> open, string? last)
    {
        var field = new StringBuilder();
        foreach (var segment in open.Select(c => c.Segment).Append(last))
        {
            if (segment is null)
            {
                continue;
            }

            if (field.Length > 0 && !segment.StartsWith('['))
            {
                field.Append('.');
            }

            field.Append(segment);
        }

        return field.Length > 0 ? field.ToString() : null;
    }

    private static (string Message, string? Field) Problem(string? field, string what) =>
        ($"{field ?? "The request body"} holds {what} that is not valid Unicode text (bytes that are not UTF-8, or half of a surrogate pair such as \\udc00); send valid UTF-8.", field);

    private sealed class Container(string? segment, bool isArray)
    {
        public string? Segment { get; } = segment;

        public bool IsArray { get; } = isArray;

        public int Next { get; set; }
    }
}
