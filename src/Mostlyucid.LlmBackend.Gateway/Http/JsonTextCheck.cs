using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Mostlyucid.LlmBackend.Gateway.Http;

/// <summary>
/// Finds text in a JSON body that is not valid Unicode — bytes that are not UTF-8, or an escaped surrogate without its
/// partner (<c>"\udc00"</c>) — which parsers accept and only fail on (or silently replace) when the string is used.
/// A valid body costs one vectorised UTF-8 check and one pass over its <c>\u</c> escapes, allocating nothing; only a body
/// with a problem is walked token by token, to name the field.
/// </summary>
internal static class JsonTextCheck
{
    /// <summary>Checks a body.</summary>
    /// <param name="json">The body.</param>
    /// <returns><see langword="null"/> when all text is valid; otherwise the problem and the field it is in.</returns>
    public static (string Message, string? Field)? Find(ReadOnlySpan<byte> json) =>
        Utf8.IsValid(json) && !HasUnpairedSurrogateEscape(json) ? null : Walk(json);

    /// <summary>
    /// Whether any <c>\uD800</c>–<c>\uDFFF</c> escape is not part of a high-then-low pair. Escapes are read as units from
    /// each backslash, so an escaped backslash followed by <c>u</c> (<c>"\\ud800"</c>, the text <c>\ud800</c>) is not
    /// mistaken for one. Outside strings valid JSON has no backslashes.
    /// </summary>
    internal static bool HasUnpairedSurrogateEscape(ReadOnlySpan<byte> text)
    {
        var i = 0;
        while (true)
        {
            var next = text[i..].IndexOf((byte)'\\');
            if (next < 0)
            {
                return false;
            }

            i += next;
            if (i + 1 >= text.Length)
            {
                return false;
            }

            if (text[i + 1] != 'u')
            {
                i += 2;
                continue;
            }

            var unit = Hex4(text, i + 2);
            if (unit is >= 0xDC00 and <= 0xDFFF)
            {
                return true;
            }

            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                var low = i + 7 < text.Length && text[i + 6] == '\\' && text[i + 7] == 'u' ? Hex4(text, i + 8) : -1;
                if (low is < 0xDC00 or > 0xDFFF)
                {
                    return true;
                }

                i += 12;
                continue;
            }

            i += 6;
        }
    }

    private static int Hex4(ReadOnlySpan<byte> text, int at)
    {
        if (at + 4 > text.Length)
        {
            return -1;
        }

        var value = 0;
        for (var k = at; k < at + 4; k++)
        {
            var digit = text[k] switch
            {
                >= (byte)'0' and <= (byte)'9' => text[k] - '0',
                >= (byte)'a' and <= (byte)'f' => text[k] - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => text[k] - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return -1;
            }

            value = (value << 4) | digit;
        }

        return value;
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

    private static bool Invalid(ref Utf8JsonReader reader) =>
        !Utf8.IsValid(reader.ValueSpan) || (reader.ValueIsEscaped && HasUnpairedSurrogateEscape(reader.ValueSpan));

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
