using System.Globalization;
using System.Text.Json;

namespace Mostlyucid.LlmBackend.Json;

/// <summary>
/// Describes a <see cref="JsonException"/> for people: where in the document (a JSON path such as
/// <c>messages[0].content</c>, or line and column) and what was expected, in JSON's words ("a whole number", "a string"),
/// never in .NET's (<c>System.Nullable`1[System.Int32]</c>).
/// </summary>
internal static class JsonErrorText
{
    private const string ConversionPrefix = "The JSON value could not be converted to ";

    /// <summary>Describes the exception.</summary>
    /// <param name="exception">The exception from System.Text.Json (or one of our converters).</param>
    /// <returns>For example "max_tokens must be a whole number" or "invalid JSON at line 1, column 40: …".</returns>
    public static string Describe(JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var field = Field(exception.Path);
        var message = exception.Message;
        if (message.StartsWith(ConversionPrefix, StringComparison.Ordinal))
        {
            var typeEnd = message.IndexOf(". Path:", StringComparison.Ordinal);
            var type = typeEnd > ConversionPrefix.Length ? message[ConversionPrefix.Length..typeEnd] : message[ConversionPrefix.Length..];
            return $"{field ?? "the body"} must be {Expected(type)}";
        }

        var detail = Detail(message);
        if (detail.Contains("System.", StringComparison.Ordinal) || detail.Contains('`', StringComparison.Ordinal))
        {
            // A message from System.Text.Json that names .NET types: say only where the problem is.
            detail = "the value does not have the expected type";
        }

        var where = field is not null
            ? field
            : exception.LineNumber is { } line && exception.BytePositionInLine is { } column
                ? $"line {(line + 1).ToString(CultureInfo.InvariantCulture)}, column {(column + 1).ToString(CultureInfo.InvariantCulture)}"
                : null;
        return where is null ? detail : $"{detail} (at {where})";
    }

    /// <summary>Gets whether the JSON was valid but a value had the wrong type (rather than the text not being JSON).</summary>
    /// <param name="exception">The exception.</param>
    /// <returns><see langword="true"/> for a value of the wrong type.</returns>
    public static bool IsWrongType(JsonException exception) =>
        exception?.Message.StartsWith(ConversionPrefix, StringComparison.Ordinal) == true;

    /// <summary>Turns a JSON path (<c>$.messages[0].content</c>) into a field name (<c>messages[0].content</c>).</summary>
    /// <param name="path">The path, as System.Text.Json reports it.</param>
    /// <returns>The field, or <see langword="null"/> for the document itself.</returns>
    public static string? Field(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return null;
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.StartsWith('$') ? path[1..] : path;
    }

    private static string Detail(string message)
    {
        // System.Text.Json appends " Path: $.x | LineNumber: 0 | BytePositionInLine: 12." and sometimes the line alone.
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        }

        var detail = (cut >= 0 ? message[..cut] : message).Trim().TrimEnd('.', ' ', '|');
        return detail.Length == 0 ? "the JSON is not valid" : detail;
    }

    private static string Expected(string type)
    {
        var name = type.StartsWith("System.Nullable`1[", StringComparison.Ordinal) ? type["System.Nullable`1[".Length..].TrimEnd(']') : type;
        return name switch
        {
            "System.String" or "System.Char" => "a string of valid Unicode text",
            "System.Boolean" => "true or false",
            "System.Int32" or "System.Int64" or "System.Int16" or "System.Byte" or "System.UInt32" or "System.UInt64" =>
                "a whole number" + (name is "System.Int32" ? " (up to 2147483647)" : string.Empty),
            "System.Double" or "System.Single" or "System.Decimal" => "a number",
            _ when name.StartsWith("System.Collections.Generic.List`1", StringComparison.Ordinal) || name.EndsWith("[]", StringComparison.Ordinal) => "an array",
            _ when name.StartsWith("System.Collections.Generic.Dictionary`2", StringComparison.Ordinal) => "an object",
            _ when name.EndsWith(".OpenAiContent", StringComparison.Ordinal) => "a string or a list of content parts (text must be valid Unicode)",
            _ => "an object of the documented shape",
        };
    }
}
