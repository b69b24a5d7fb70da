using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Mostlyucid.LlmBackend.Wasm.ProvidersFiles;

/// <summary>
/// A strict reader for the part of TOML 1.0 that providers files use: comments, bare, quoted and dotted keys, the four
/// kinds of strings, integers (decimal, hex, octal, binary), floats, booleans, arrays, inline tables, <c>[tables]</c> and
/// <c>[[arrays of tables]]</c>. Dates, times, <c>inf</c> and <c>nan</c> have no JSON form and are refused. Anything else
/// that is not TOML is refused too, with its line and column; nothing is skipped or guessed.
/// </summary>
internal sealed partial class TomlDocumentReader
{
    private readonly string _text;
    private readonly JsonObject _root = new();

    // How each table or array came to be decides what may still be added to it (TOML forbids defining a table twice,
    // extending an inline table, or reopening with a header a table made by dotted keys).
    private readonly HashSet<JsonNode> _headerTables = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<JsonNode> _dottedTables = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<JsonNode> _inlineValues = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<JsonNode> _tableArrays = new(ReferenceEqualityComparer.Instance);
    private int _pos;
    private int _line = 1;
    private int _lineStart;

    private TomlDocumentReader(string text)
    {
        _text = text;
    }

    private bool AtEnd => _pos >= _text.Length;

    private char Current => _pos < _text.Length ? _text[_pos] : '\0';

    /// <summary>Reads a whole TOML document.</summary>
    /// <param name="text">The document.</param>
    /// <returns>Its tables as JSON: integers as <see cref="long"/>, floats as <see cref="double"/>.</returns>
    /// <exception cref="ProvidersFileSyntaxException">The text is not TOML this reader accepts.</exception>
    public static JsonObject Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new TomlDocumentReader(text).ParseDocument();
    }

    private JsonObject ParseDocument()
    {
        if (Current == '\uFEFF')
        {
            _pos++;
            _lineStart = _pos;
        }

        var table = _root;
        while (true)
        {
            SkipBlankLines();
            if (AtEnd)
            {
                return _root;
            }

            if (Current == '[')
            {
                table = ParseHeader();
            }
            else
            {
                ParseKeyValue(table);
            }

            ExpectLineEnd();
        }
    }

    private JsonObject ParseHeader()
    {
        var (line, column) = (_line, Column);
        var isArray = Peek(1) == '[';
        _pos += isArray ? 2 : 1;
        SkipSpaces();
        var keys = ParseKey();
        SkipSpaces();
        if (Current != ']' || (isArray && Peek(1) != ']'))
        {
            throw Error(isArray ? "expected ']]' to close the array-of-tables header" : "expected ']' to close the table header");
        }

        _pos += isArray ? 2 : 1;
        return isArray ? OpenTableArrayItem(keys, line, column) : OpenTable(keys, line, column);
    }

    private JsonObject OpenTable(List<string> keys, int line, int column)
    {
        var table = WalkHeaderPrefix(keys, line, column);
        var key = keys[^1];
        var path = Dotted(keys);
        if (!table.TryGetPropertyValue(key, out var node) || node is null)
        {
            var created = new JsonObject();
            table[key] = created;
            _headerTables.Add(created);
            return created;
        }

        if (node is JsonArray && _tableArrays.Contains(node))
        {
            throw new ProvidersFileSyntaxException(line, column, $"[{path}] is already an array of tables ([[{path}]]); it cannot also be a table");
        }

        if (node is not JsonObject existing || _inlineValues.Contains(node))
        {
            throw new ProvidersFileSyntaxException(line, column, $"[{path}]: '{path}' is already set to a value; a key is defined once");
        }

        if (_headerTables.Contains(existing))
        {
            throw new ProvidersFileSyntaxException(line, column, $"table [{path}] is defined twice; put all its keys under one header");
        }

        if (_dottedTables.Contains(existing))
        {
            throw new ProvidersFileSyntaxException(line, column, $"table [{path}] was already defined by dotted keys; use either the header or the dotted keys");
        }

        _headerTables.Add(existing);
        return existing;
    }

    private JsonObject OpenTableArrayItem(List<string> keys, int line, int column)
    {
        var table = WalkHeaderPrefix(keys, line, column);
        var key = keys[^1];
        var path = Dotted(keys);
        JsonArray array;
        if (!table.TryGetPropertyValue(key, out var node) || node is null)
        {
            array = new JsonArray();
            table[key] = array;
            _tableArrays.Add(array);
        }
        else if (node is JsonArray existing && _tableArrays.Contains(existing))
        {
            array = existing;
        }
        else
        {
            throw new ProvidersFileSyntaxException(line, column, $"[[{path}]]: '{path}' is already defined as {(node is JsonObject ? "a table" : "a value")}; an array of tables needs a name of its own");
        }

        var item = new JsonObject();
        array.Add(item);
        return item;
    }

    private JsonObject WalkHeaderPrefix(List<string> keys, int line, int column)
    {
        var table = _root;
        for (var i = 0; i < keys.Count - 1; i++)
        {
            var key = keys[i];
            if (!table.TryGetPropertyValue(key, out var node) || node is null)
            {
                var created = new JsonObject();
                table[key] = created;
                table = created;
            }
            else if (node is JsonArray array && _tableArrays.Contains(array))
            {
                table = array[^1]!.AsObject();
            }
            else if (node is JsonObject existing && !_inlineValues.Contains(existing))
            {
                table = existing;
            }
            else
            {
                throw new ProvidersFileSyntaxException(line, column, $"'{Dotted(keys.Take(i + 1))}' is a value, not a table, so [{Dotted(keys)}] cannot be defined under it");
            }
        }

        return table;
    }

    private void ParseKeyValue(JsonObject table)
    {
        var (line, column) = (_line, Column);
        var keys = ParseKey();
        SkipSpaces();
        if (Current != '=')
        {
            throw Error($"expected '=' after the key '{Dotted(keys)}'");
        }

        _pos++;
        SkipSpaces();
        var value = ParseValue();
        Assign(table, keys, value, line, column);
    }

    private void Assign(JsonObject table, List<string> keys, JsonNode value, int line, int column)
    {
        for (var i = 0; i < keys.Count - 1; i++)
        {
            var key = keys[i];
            if (!table.TryGetPropertyValue(key, out var node) || node is null)
            {
                var created = new JsonObject();
                table[key] = created;
                _dottedTables.Add(created);
                table = created;
            }
            else if (node is JsonObject existing && _dottedTables.Contains(existing))
            {
                table = existing;
            }
            else
            {
                throw new ProvidersFileSyntaxException(line, column, $"'{Dotted(keys.Take(i + 1))}' is already defined, so '{Dotted(keys)}' cannot add to it; set its keys in one place");
            }
        }

        if (table.ContainsKey(keys[^1]))
        {
            throw new ProvidersFileSyntaxException(line, column, $"'{Dotted(keys)}' is defined twice; a key is defined once");
        }

        table[keys[^1]] = value;
    }

    private List<string> ParseKey()
    {
        var keys = new List<string>();
        while (true)
        {
            SkipSpaces();
            keys.Add(ParseSimpleKey());
            SkipSpaces();
            if (Current != '.')
            {
                return keys;
            }

            _pos++;
        }
    }

    private string ParseSimpleKey()
    {
        switch (Current)
        {
            case '"':
                _pos++;
                return ParseBasicString();
            case '\'':
                _pos++;
                return ParseLiteralString();
        }

        var start = _pos;
        while (!AtEnd && (char.IsAsciiLetterOrDigit(Current) || Current is '_' or '-'))
        {
            _pos++;
        }

        if (_pos == start)
        {
            throw Error(AtEnd || Current is '\n' or '\r'
                ? "expected a key"
                : $"expected a key (letters, digits, '_' and '-', or a quoted key), found '{Current}'");
        }

        return _text[start.._pos];
    }

    private JsonNode ParseValue()
    {
        switch (Current)
        {
            case '"':
                if (Peek(1) == '"' && Peek(2) == '"')
                {
                    _pos += 3;
                    return JsonValue.Create(ParseMultilineString(basic: true));
                }

                _pos++;
                return JsonValue.Create(ParseBasicString());
            case '\'':
                if (Peek(1) == '\'' && Peek(2) == '\'')
                {
                    _pos += 3;
                    return JsonValue.Create(ParseMultilineString(basic: false));
                }

                _pos++;
                return JsonValue.Create(ParseLiteralString());
            case '[':
                _pos++;
                return ParseArray();
            case '{':
                _pos++;
                return ParseInlineTable();
        }

        if (AtEnd || Current is '\n' or '\r' or '#')
        {
            throw Error("expected a value after '=': a \"string\", a number, true or false, [an array] or { an inline table }");
        }

        var (line, column) = (_line, Column);
        var start = _pos;
        while (!AtEnd && Current is not (' ' or '\t' or '\n' or '\r' or ',' or ']' or '}' or '#'))
        {
            _pos++;
        }

        return ParseScalarToken(_text[start.._pos], line, column);
    }

    private static JsonValue ParseScalarToken(string token, int line, int column)
    {
        switch (token)
        {
            case "true":
                return JsonValue.Create(true);
            case "false":
                return JsonValue.Create(false);
            case "inf" or "+inf" or "-inf" or "nan" or "+nan" or "-nan":
                throw new ProvidersFileSyntaxException(line, column, $"'{token}' has no JSON form, so providers files cannot use it; write a finite number");
        }

        if (DateOrTime().IsMatch(token))
        {
            throw new ProvidersFileSyntaxException(line, column, $"dates and times are not supported in providers files; write '{ProvidersFileSyntaxException.Excerpt(token)}' as a quoted string");
        }

        if (token.Length > 2 && token[0] == '0' && token[1] is 'x' or 'o' or 'b')
        {
            var digits = token[2..];
            var radix = token[1] switch { 'x' => 16, 'o' => 8, _ => 2 };
            if (!RadixDigits().IsMatch(digits) || !TryParseRadix(digits.Replace("_", string.Empty, StringComparison.Ordinal), radix, out var based))
            {
                throw new ProvidersFileSyntaxException(line, column, $"'{ProvidersFileSyntaxException.Excerpt(token)}' is not a valid {(radix == 16 ? "hexadecimal" : radix == 8 ? "octal" : "binary")} integer of 64 bits");
            }

            return JsonValue.Create(based);
        }

        var plain = token.Replace("_", string.Empty, StringComparison.Ordinal);
        if (DecimalInteger().IsMatch(token))
        {
            return long.TryParse(plain, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
                ? JsonValue.Create(integer)
                : throw new ProvidersFileSyntaxException(line, column, $"'{ProvidersFileSyntaxException.Excerpt(token)}' does not fit in a 64-bit integer");
        }

        if (DecimalFloat().IsMatch(token) && double.TryParse(plain, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
        {
            return JsonValue.Create(real);
        }

        throw char.IsAsciiLetter(token[0])
            ? new ProvidersFileSyntaxException(line, column, $"'{ProvidersFileSyntaxException.Excerpt(token)}' is not a TOML value; quote strings (\"{ProvidersFileSyntaxException.Excerpt(token)}\"), booleans are true or false")
            : new ProvidersFileSyntaxException(line, column, $"'{ProvidersFileSyntaxException.Excerpt(token)}' is not a TOML number (for example 42, -7, 1_000, 3.14, 1e-3, 0xFF)");
    }

    private static bool TryParseRadix(string digits, int radix, out long value)
    {
        value = 0;
        foreach (var c in digits)
        {
            var digit = c <= '9' ? c - '0' : (char.ToLowerInvariant(c) - 'a') + 10;
            if (digit >= radix || value > (long.MaxValue - digit) / radix)
            {
                return false;
            }

            value = (value * radix) + digit;
        }

        return true;
    }

    private JsonArray ParseArray()
    {
        var array = new JsonArray();
        _inlineValues.Add(array);
        while (true)
        {
            SkipBlankLines();
            if (Current == ']')
            {
                _pos++;
                return array;
            }

            array.Add(ParseValue());
            SkipBlankLines();
            if (Current == ',')
            {
                _pos++;
                continue;
            }

            if (Current == ']')
            {
                _pos++;
                return array;
            }

            throw Error(AtEnd ? "the array is not closed: add ']'" : "expected ',' or ']' after an array element");
        }
    }

    private JsonObject ParseInlineTable()
    {
        var table = new JsonObject();
        _inlineValues.Add(table);
        while (true)
        {
            SkipBlankLines();
            if (Current == '}')
            {
                _pos++;
                MarkInline(table);
                return table;
            }

            ParseKeyValue(table);
            SkipBlankLines();
            if (Current == ',')
            {
                _pos++;
                continue;
            }

            if (Current == '}')
            {
                _pos++;
                MarkInline(table);
                return table;
            }

            throw Error(AtEnd ? "the inline table is not closed: add '}'" : "expected ',' or '}' after a key = value in an inline table");
        }
    }

    /// <summary>An inline table is complete: no header or dotted key elsewhere may add to it or to a table inside it.</summary>
    private void MarkInline(JsonObject table)
    {
        foreach (var (_, value) in table)
        {
            if (value is JsonObject inner && _dottedTables.Remove(inner))
            {
                _inlineValues.Add(inner);
                MarkInline(inner);
            }
        }
    }

    private string ParseBasicString()
    {
        var (line, column) = (_line, Column - 1);
        var builder = new StringBuilder();
        while (true)
        {
            if (AtEnd || Current is '\n' or '\r')
            {
                throw new ProvidersFileSyntaxException(line, column, "the string is not closed: add '\"' before the end of the line (use \"\"\" for a string of several lines)");
            }

            var c = Current;
            if (c == '"')
            {
                _pos++;
                return builder.ToString();
            }

            if (c == '\\')
            {
                AppendEscape(builder);
                continue;
            }

            RefuseControl(c);
            builder.Append(c);
            _pos++;
        }
    }

    private string ParseLiteralString()
    {
        var (line, column) = (_line, Column - 1);
        var start = _pos;
        while (Current != '\'')
        {
            if (AtEnd || Current is '\n' or '\r')
            {
                throw new ProvidersFileSyntaxException(line, column, "the string is not closed: add ' before the end of the line (use ''' for a string of several lines)");
            }

            RefuseControl(Current);
            _pos++;
        }

        _pos++;
        return _text[start..(_pos - 1)];
    }

    private string ParseMultilineString(bool basic)
    {
        var quote = basic ? '"' : '\'';
        var (line, column) = (_line, Column - 3);
        var builder = new StringBuilder();
        if (Current == '\n' || (Current == '\r' && Peek(1) == '\n'))
        {
            ConsumeNewline();
        }

        while (true)
        {
            if (AtEnd)
            {
                throw new ProvidersFileSyntaxException(line, column, $"the string is not closed: add {new string(quote, 3)}");
            }

            var c = Current;
            if (c == quote && Peek(1) == quote && Peek(2) == quote)
            {
                // Up to two quotes may end the content right before the closing three.
                var run = 3;
                while (run < 5 && Peek(run) == quote)
                {
                    run++;
                }

                builder.Append(quote, run - 3);
                _pos += run;
                return builder.ToString();
            }

            if (c is '\n' or '\r')
            {
                ConsumeNewline();
                builder.Append('\n');
                continue;
            }

            if (basic && c == '\\')
            {
                if (IsLineEndingBackslash())
                {
                    _pos++;
                    while (Current is ' ' or '\t' or '\n' or '\r')
                    {
                        if (Current is '\n' or '\r')
                        {
                            ConsumeNewline();
                        }
                        else
                        {
                            _pos++;
                        }
                    }

                    continue;
                }

                AppendEscape(builder);
                continue;
            }

            RefuseControl(c);
            builder.Append(c);
            _pos++;
        }
    }

    private bool IsLineEndingBackslash()
    {
        var i = _pos + 1;
        while (i < _text.Length && _text[i] is ' ' or '\t')
        {
            i++;
        }

        return i < _text.Length && _text[i] is '\n' or '\r';
    }

    private void AppendEscape(StringBuilder builder)
    {
        var (line, column) = (_line, Column);
        _pos++;
        var kind = Current;
        _pos++;
        switch (kind)
        {
            case 'b': builder.Append('\b'); return;
            case 't': builder.Append('\t'); return;
            case 'n': builder.Append('\n'); return;
            case 'f': builder.Append('\f'); return;
            case 'r': builder.Append('\r'); return;
            case '"': builder.Append('"'); return;
            case '\\': builder.Append('\\'); return;
            case 'u' or 'U':
                var length = kind == 'u' ? 4 : 8;
                var hex = _pos + length <= _text.Length ? _text.Substring(_pos, length) : string.Empty;
                if (hex.Length == length
                    && int.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var scalar)
                    && scalar is >= 0 and <= 0x10FFFF and not (>= 0xD800 and <= 0xDFFF))
                {
                    builder.Append(char.ConvertFromUtf32(scalar));
                    _pos += length;
                    return;
                }

                throw new ProvidersFileSyntaxException(line, column, $"'\\{kind}' needs {length} hexadecimal digits naming a Unicode scalar value");
            default:
                throw new ProvidersFileSyntaxException(line, column, $"unknown escape '\\{(kind == '\0' ? string.Empty : kind)}' in a string; write '\\\\' for a backslash, or use a 'literal string'");
        }
    }

    private void RefuseControl(char c)
    {
        if (c != '\t' && (char.IsControl(c)))
        {
            throw Error($"control character U+{(int)c:X4} in a string; escape it (\\u{(int)c:X4})");
        }
    }

    private void SkipSpaces()
    {
        while (Current is ' ' or '\t')
        {
            _pos++;
        }
    }

    /// <summary>Skips spaces, comments and line ends.</summary>
    private void SkipBlankLines()
    {
        while (!AtEnd)
        {
            switch (Current)
            {
                case ' ' or '\t':
                    _pos++;
                    break;
                case '#':
                    SkipComment();
                    break;
                case '\n' or '\r':
                    ConsumeNewline();
                    break;
                default:
                    return;
            }
        }
    }

    private void SkipComment()
    {
        while (!AtEnd && Current is not ('\n' or '\r'))
        {
            _pos++;
        }
    }

    private void ExpectLineEnd()
    {
        SkipSpaces();
        if (Current == '#')
        {
            SkipComment();
        }

        if (AtEnd)
        {
            return;
        }

        if (Current is '\n' or '\r')
        {
            ConsumeNewline();
            return;
        }

        throw Error($"expected the end of the line, found '{Current}' (one key = value or [header] per line)");
    }

    private void ConsumeNewline()
    {
        if (Current == '\r')
        {
            if (Peek(1) != '\n')
            {
                throw Error("a carriage return must be followed by a line feed");
            }

            _pos++;
        }

        _pos++;
        _line++;
        _lineStart = _pos;
    }

    private char Peek(int offset) => _pos + offset < _text.Length ? _text[_pos + offset] : '\0';

    private int Column => _pos - _lineStart + 1;

    private ProvidersFileSyntaxException Error(string message) => new(_line, Column, message);

    private static string Dotted(IEnumerable<string> keys) =>
        string.Join('.', keys.Select(k => BareKey().IsMatch(k) ? k : $"\"{k}\""));

    [GeneratedRegex(@"^[A-Za-z0-9_-]+$")]
    private static partial Regex BareKey();

    [GeneratedRegex(@"^[+-]?(0|[1-9](_?[0-9])*)$")]
    private static partial Regex DecimalInteger();

    [GeneratedRegex(@"^[+-]?(0|[1-9](_?[0-9])*)((\.[0-9](_?[0-9])*)([eE][+-]?[0-9](_?[0-9])*)?|[eE][+-]?[0-9](_?[0-9])*)$")]
    private static partial Regex DecimalFloat();

    [GeneratedRegex(@"^[0-9A-Fa-f](_?[0-9A-Fa-f])*$")]
    private static partial Regex RadixDigits();

    [GeneratedRegex(@"^(\d{4}-\d{2}-\d{2}|\d{2}:\d{2})")]
    private static partial Regex DateOrTime();
}
