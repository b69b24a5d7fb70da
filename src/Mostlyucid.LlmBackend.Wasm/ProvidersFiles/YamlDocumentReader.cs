using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mostlyucid.LlmBackend.Wasm.ProvidersFiles;

/// <summary>
/// Reads a YAML providers file into JSON, resolving plain scalars by YAML 1.2's core schema (null, booleans, integers,
/// floats; everything else, and every quoted scalar, is a string). One document; <c>.inf</c>, <c>.nan</c> and tags other
/// than the core ones are refused with their line and column.
/// </summary>
internal static partial class YamlDocumentReader
{
    private const string TagPrefix = "tag:yaml.org,2002:";

    /// <summary>Reads a YAML document.</summary>
    /// <param name="text">The document.</param>
    /// <returns>Its value as JSON (<see langword="null"/> for an empty document).</returns>
    /// <exception cref="ProvidersFileSyntaxException">The text is not YAML this reader accepts.</exception>
    public static JsonNode? Parse(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            var message = (ex.InnerException?.Message ?? ex.Message).TrimEnd('.');
            throw new ProvidersFileSyntaxException((int)ex.Start.Line, (int)ex.Start.Column, message);
        }

        return stream.Documents.Count switch
        {
            0 => null,
            1 => Convert(stream.Documents[0].RootNode),
            _ => throw At(stream.Documents[1].RootNode, "a providers file holds one YAML document; remove the second '---'"),
        };
    }

    private static JsonNode? Convert(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                var table = new JsonObject();
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    if (keyNode is not YamlScalarNode { Value: { } key })
                    {
                        throw At(keyNode, "keys must be plain text");
                    }

                    if (table.ContainsKey(key))
                    {
                        throw At(keyNode, $"'{key}' is defined twice; a key is defined once");
                    }

                    table[key] = Convert(valueNode);
                }

                return table;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                foreach (var item in sequence.Children)
                {
                    array.Add(Convert(item));
                }

                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw At(node, $"'{node}' is not something a providers file can hold");
        }
    }

    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? string.Empty;
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        if (tag is not null && tag != "!")
        {
            var kind = tag.StartsWith(TagPrefix, StringComparison.Ordinal) ? tag[TagPrefix.Length..] : tag;
            if (kind == "str")
            {
                return JsonValue.Create(value);
            }

            if (kind is not ("null" or "bool" or "int" or "float"))
            {
                throw At(scalar, $"the tag {tag} is not supported; use plain values (strings, numbers, booleans)");
            }

            var resolved = Resolve(scalar, value);
            return (kind, KindOf(resolved)) switch
            {
                var (wanted, found) when wanted == found => resolved,
                ("float", "int") => JsonValue.Create((double)resolved!.GetValue<long>()),
                _ => throw At(scalar, $"'{ProvidersFileSyntaxException.Excerpt(value)}' is not a valid !!{kind}"),
            };
        }

        return scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && tag is null ? Resolve(scalar, value) : JsonValue.Create(value);
    }

    private static JsonValue? Resolve(YamlScalarNode scalar, string value)
    {
        if (value is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (value is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return JsonValue.Create(value[0] is 't' or 'T');
        }

        if (Integer().IsMatch(value))
        {
            return TryInteger(value, out var integer)
                ? JsonValue.Create(integer)
                : throw At(scalar, $"'{ProvidersFileSyntaxException.Excerpt(value)}' does not fit in a 64-bit integer; quote it if it is text");
        }

        if (Float().IsMatch(value))
        {
            return JsonValue.Create(double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture));
        }

        if (NotFinite().IsMatch(value))
        {
            throw At(scalar, $"'{ProvidersFileSyntaxException.Excerpt(value)}' has no JSON form, so providers files cannot use it; write a finite number, or quote it if it is text");
        }

        return JsonValue.Create(value);
    }

    private static bool TryInteger(string value, out long integer)
    {
        if (value.StartsWith("0x", StringComparison.Ordinal))
        {
            return long.TryParse(value.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out integer) && integer >= 0;
        }

        if (value.StartsWith("0o", StringComparison.Ordinal))
        {
            integer = 0;
            foreach (var c in value.AsSpan(2))
            {
                if (integer > (long.MaxValue - (c - '0')) / 8)
                {
                    return false;
                }

                integer = (integer * 8) + (c - '0');
            }

            return true;
        }

        return long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out integer);
    }

    private static string KindOf(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<bool>(out _) => "bool",
        JsonValue v when v.TryGetValue<long>(out _) => "int",
        JsonValue v when v.TryGetValue<double>(out _) => "float",
        _ => "str",
    };

    private static ProvidersFileSyntaxException At(YamlNode node, string message) =>
        new((int)node.Start.Line, (int)node.Start.Column, message);

    [GeneratedRegex(@"^([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();

    [GeneratedRegex(@"^([-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$")]
    private static partial Regex NotFinite();
}
