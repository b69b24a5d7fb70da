using System.Globalization;
using System.Text;
using System.Text.Json;
using Mostlyucid.LlmBackend.Json;

namespace Mostlyucid.LlmBackend.Gateway.Configuration.Files;

/// <summary>
/// Reads a JSON configuration file into configuration keys exactly as the standard JSON provider does (objects become
/// <c>A:B</c>, arrays <c>A:0</c>, comments and trailing commas allowed), except that problems are listed, not thrown: a
/// key given twice names the file, both lines and the key; a syntax error names the line and column.
/// </summary>
internal static class JsonConfigurationFileReader
{
    private static readonly JsonReaderOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Reads a file's content.</summary>
    /// <param name="json">The file's bytes.</param>
    /// <param name="file">The file's name for messages.</param>
    /// <param name="problems">Receives the problems.</param>
    /// <returns>The keys and values (the last value of a key given twice).</returns>
    public static Dictionary<string, string?> Read(ReadOnlySpan<byte> json, string file, List<string> problems)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var lines = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        if (json.StartsWith("\uFEFF"u8))
        {
            json = json[3..];
        }

        var reader = new Utf8JsonReader(json, Options);
        try
        {
            if (!reader.Read())
            {
                return data;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                problems.Add($"{file}: the file must hold one JSON object ({{ ... }}), not {Describe(reader.TokenType)}.");
                return data;
            }

            var context = new Context(json.ToArray(), file, data, lines, problems);
            ReadObject(ref reader, prefix: null, context);
        }
        catch (JsonException ex)
        {
            problems.Add($"{file}: the file is not valid JSON: {JsonErrorText.Describe(ex)}.");
        }
        catch (InvalidOperationException)
        {
            problems.Add($"{file}: the file holds text that is not valid UTF-8; save it as UTF-8.");
        }

        return data;
    }

    private static void ReadObject(ref Utf8JsonReader reader, string? prefix, Context context)
    {
        var empty = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            empty = false;
            var name = reader.GetString()!;
            var key = prefix is null ? name : prefix + ":" + name;
            reader.Read();
            ReadValue(ref reader, key, context);
        }

        if (empty && prefix is not null)
        {
            context.Set(prefix, null, reader.TokenStartIndex);
        }
    }

    private static void ReadValue(ref Utf8JsonReader reader, string key, Context context)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                ReadObject(ref reader, key, context);
                break;
            case JsonTokenType.StartArray:
                var index = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    ReadValue(ref reader, key + ":" + index.ToString(CultureInfo.InvariantCulture), context);
                    index++;
                }

                if (index == 0)
                {
                    context.Set(key, null, reader.TokenStartIndex);
                }

                break;
            case JsonTokenType.String:
                context.Set(key, reader.GetString(), reader.TokenStartIndex);
                break;
            case JsonTokenType.Number:
                context.Set(key, Encoding.UTF8.GetString(reader.ValueSpan), reader.TokenStartIndex);
                break;
            case JsonTokenType.True:
                context.Set(key, bool.TrueString, reader.TokenStartIndex);
                break;
            case JsonTokenType.False:
                context.Set(key, bool.FalseString, reader.TokenStartIndex);
                break;
            default:
                context.Set(key, null, reader.TokenStartIndex);
                break;
        }
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        _ => "a single value",
    };

    private sealed class Context(byte[] json, string file, Dictionary<string, string?> data, Dictionary<string, int> lines, List<string> problems)
    {
        public void Set(string key, string? value, long position)
        {
            var line = LineOf(position);
            if (lines.TryGetValue(key, out var first))
            {
                problems.Add($"{file}: line {line}: the key '{key}' is given a second time (first on line {first}). A configuration file may give each key once: delete one of them.");
            }
            else
            {
                lines[key] = line;
            }

            data[key] = value;
        }

        private int LineOf(long position) => json.AsSpan(0, (int)Math.Min(position, json.Length)).Count((byte)'\n') + 1;
    }
}
