using System.Globalization;
using System.Text.Json.Nodes;
using Tomlyn;
using Tomlyn.Parsing;

namespace Mostlyucid.LlmBackend.Wasm.ProvidersFiles;

/// <summary>
/// Reads a TOML 1.1 document with Tomlyn into JSON: tables as objects, arrays and arrays of tables as arrays, integers as
/// <see cref="long"/>, floats as <see cref="double"/>, dates and times as their ISO 8601 text. Syntax errors, keys or
/// tables defined twice, and <c>inf</c> and <c>nan</c> (which have no JSON form) are refused with their line and column.
/// </summary>
internal static class TomlDocumentReader
{
    private static readonly TomlParserOptions StrictEvents = new() { Mode = TomlParserMode.Strict };

    /// <summary>Reads a whole TOML document.</summary>
    /// <param name="text">The document.</param>
    /// <returns>Its tables as JSON.</returns>
    /// <exception cref="ProvidersFileSyntaxException">The text is not TOML, or holds a value JSON cannot.</exception>
    public static JsonObject Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var root = new JsonObject();
        try
        {
            var parser = TomlParser.Create(text, StrictEvents);
            while (parser.MoveNext())
            {
                if (parser.Current.Kind == TomlParseEventKind.StartTable)
                {
                    ReadTable(parser, root);
                }
            }
        }
        catch (TomlException ex)
        {
            throw TomlSyntaxErrors.From(ex);
        }

        // Tomlyn's event stream reports syntax; a key or table defined twice is found by its validator.
        TomlSyntaxErrors.ThrowIfInvalid(text);
        return root;
    }

    /// <summary>Reads the keys of a table up to its end; a table or array of tables met again is added to, not replaced.</summary>
    private static void ReadTable(TomlParser parser, JsonObject table)
    {
        while (parser.MoveNext() && parser.Current.Kind != TomlParseEventKind.EndTable)
        {
            var name = parser.GetPropertyName();
            parser.MoveNext();
            var existing = table[name];
            var value = ReadValue(parser, existing);
            if (!ReferenceEquals(value, existing))
            {
                table[name] = value;
            }
        }
    }

    private static void ReadArray(TomlParser parser, JsonArray array)
    {
        while (parser.MoveNext() && parser.Current.Kind != TomlParseEventKind.EndArray)
        {
            array.Add(ReadValue(parser, existing: null));
        }
    }

    private static JsonNode ReadValue(TomlParser parser, JsonNode? existing)
    {
        var current = parser.Current;
        switch (current.Kind)
        {
            case TomlParseEventKind.StartTable:
                var table = existing as JsonObject ?? new JsonObject();
                ReadTable(parser, table);
                return table;
            case TomlParseEventKind.StartArray:
                var array = existing as JsonArray ?? new JsonArray();
                ReadArray(parser, array);
                return array;
            case TomlParseEventKind.String:
                return JsonValue.Create(parser.GetString());
            case TomlParseEventKind.Integer:
                return JsonValue.Create(current.GetInt64());
            case TomlParseEventKind.Boolean:
                return JsonValue.Create(current.GetBoolean());
            case TomlParseEventKind.DateTime:
                return JsonValue.Create(current.GetTomlDateTime().ToString());
            case TomlParseEventKind.Float:
                var number = current.GetDouble();
                return double.IsFinite(number)
                    ? JsonValue.Create(number)
                    : throw new ProvidersFileSyntaxException(current.Line, current.Column, $"'{NonFinite(number)}' has no JSON form, so providers files cannot use it; write a finite number");
            default:
                throw new ProvidersFileSyntaxException(current.Line, current.Column, string.Create(CultureInfo.InvariantCulture, $"unexpected {current.Kind} in a TOML document"));
        }
    }

    private static string NonFinite(double number) => double.IsNaN(number) ? "nan" : number > 0 ? "inf" : "-inf";
}
