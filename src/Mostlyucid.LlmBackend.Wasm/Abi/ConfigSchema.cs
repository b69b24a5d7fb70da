using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mostlyucid.LlmBackend.Wasm.Abi;

/// <summary>
/// The JSON Schema a plugin publishes for its configuration (<c>config_schema</c>), used two ways: to give configuration
/// values their types (configuration files hold text; the schema says which values are numbers, booleans or lists), and to
/// check the configuration before the plugin sees it, naming every field that is wrong. It understands the subset plugin
/// schemas use (schemars' output): <c>type</c> (also as a list), <c>properties</c>, <c>required</c>,
/// <c>additionalProperties: false</c>, <c>enum</c>, <c>minimum</c>/<c>maximum</c>, <c>items</c>, <c>minLength</c>, and
/// <c>format: uri</c>; other keywords are left to the plugin's own <c>from_config</c>.
/// </summary>
internal sealed class ConfigSchema
{
    private static readonly string[] SecretWords = { "key", "secret", "password", "credential" };

    private readonly JsonObject? _root;

    private ConfigSchema(JsonObject? root) => _root = root;

    /// <summary>Gets a schema that accepts anything (a plugin that publishes none).</summary>
    public static ConfigSchema None { get; } = new(null);

    /// <summary>Gets the schema as the plugin declared it (JSON), or <see langword="null"/> when it declared none.</summary>
    public string? Text => _root?.ToJsonString();

    /// <summary>Reads a schema from its JSON text.</summary>
    /// <exception cref="FormatException">The text is not a JSON object.</exception>
    public static ConfigSchema Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return None;
        }

        try
        {
            return JsonNode.Parse(text) is JsonObject root ? new ConfigSchema(root) : throw new FormatException("config_schema did not return a JSON object");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"config_schema did not return JSON ({ex.Message})");
        }
    }

    /// <summary>Gets whether the schema declares a top-level field.</summary>
    public bool Declares(string field) => _root?["properties"] is JsonObject properties && properties.ContainsKey(field);

    /// <summary>Gets whether the schema lists a field as required.</summary>
    public bool Requires(string field) => _root?["required"] is JsonArray required && required.Any(r => r?.GetValue<string>() == field);

    /// <summary>Converts text values to the types the schema asks for, in place.</summary>
    public void Coerce(JsonObject config)
    {
        if (_root is not null)
        {
            CoerceObject(config, _root);
        }
    }

    /// <summary>Checks a configuration against the schema.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="path">How to name it in messages (for example <c>LlmSettings:Backends:2:PluginConfig</c>).</param>
    /// <returns>Every problem found.</returns>
    public List<string> Validate(JsonObject config, string path)
    {
        var problems = new List<string>();
        if (_root is not null)
        {
            ValidateNode(config, _root, path, problems);
        }

        return problems;
    }

    private static void CoerceObject(JsonObject config, JsonObject schema)
    {
        if (schema["properties"] is not JsonObject properties)
        {
            return;
        }

        foreach (var (name, value) in config.ToList())
        {
            if (properties[name] is JsonObject fieldSchema && Coerced(value, fieldSchema) is { } replacement)
            {
                config[name] = replacement;
            }
        }
    }

    private static JsonNode? Coerced(JsonNode? value, JsonObject schema)
    {
        var types = Types(schema);
        if (value is JsonValue text && text.TryGetValue<string>(out var s))
        {
            if (types.Contains("string"))
            {
                return null;
            }

            if (types.Contains("integer") && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer))
            {
                return JsonValue.Create(integer);
            }

            if (types.Contains("number") && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                return JsonValue.Create(number);
            }

            if (types.Contains("boolean") && bool.TryParse(s, out var flag))
            {
                return JsonValue.Create(flag);
            }

            if ((types.Contains("array") || types.Contains("object")) && s.TrimStart() is ['[' or '{', ..])
            {
                try
                {
                    return JsonNode.Parse(s);
                }
                catch (JsonException)
                {
                    return null;
                }
            }

            if (types.Contains("array"))
            {
                // A single value where a list belongs: a list of one.
                var item = schema["items"] is JsonObject itemSchema ? Coerced(value.DeepClone(), itemSchema) ?? value.DeepClone() : value.DeepClone();
                return new JsonArray(item);
            }

            return null;
        }

        if (value is JsonArray array && schema["items"] is JsonObject items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                if (Coerced(array[i], items) is { } replacement)
                {
                    array[i] = replacement;
                }
            }
        }
        else if (value is JsonObject obj)
        {
            CoerceObject(obj, schema);
        }

        return null;
    }

    private static void ValidateNode(JsonNode? value, JsonObject schema, string path, List<string> problems)
    {
        var types = Types(schema);
        if (types.Count > 0 && !types.Contains(TypeOf(value)) && !(TypeOf(value) == "integer" && types.Contains("number")))
        {
            problems.Add($"{path} must be {string.Join(" or ", types)} (found {Describe(value, path)}).");
            return;
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            problems.Add($"{path} must be one of {string.Join(", ", allowed.Select(a => a?.ToJsonString() ?? "null"))} (found {Describe(value, path)}).");
        }

        switch (value)
        {
            case JsonObject obj:
                ValidateObject(obj, schema, path, problems);
                break;
            case JsonArray array when schema["items"] is JsonObject items:
                for (var i = 0; i < array.Count; i++)
                {
                    ValidateNode(array[i], items, $"{path}:{i}", problems);
                }

                break;
            case JsonValue scalar:
                ValidateScalar(scalar, schema, path, problems);
                break;
        }
    }

    private static void ValidateObject(JsonObject obj, JsonObject schema, string path, List<string> problems)
    {
        var properties = schema["properties"] as JsonObject;
        if (schema["required"] is JsonArray required)
        {
            foreach (var name in required.Select(r => r?.GetValue<string>()).OfType<string>())
            {
                if (!obj.ContainsKey(name) || obj[name] is null)
                {
                    problems.Add($"{path}:{name} is required by the plugin's configuration schema.");
                }
            }
        }

        foreach (var (name, value) in obj)
        {
            if (properties?[name] is JsonObject fieldSchema)
            {
                ValidateNode(value, fieldSchema, $"{path}:{name}", problems);
            }
            else if (schema["additionalProperties"] is JsonValue additional && additional.TryGetValue<bool>(out var allowed) && !allowed)
            {
                var known = properties is null ? "none" : string.Join(", ", properties.Select(p => p.Key));
                problems.Add($"{path}:{name} is not a setting this plugin knows (it knows: {known}).");
            }
        }
    }

    private static void ValidateScalar(JsonValue scalar, JsonObject schema, string path, List<string> problems)
    {
        if (scalar.TryGetValue<double>(out var number))
        {
            if (schema["minimum"] is JsonValue min && min.TryGetValue<double>(out var minimum) && number < minimum)
            {
                problems.Add($"{path} must be at least {minimum.ToString(CultureInfo.InvariantCulture)} (found {number.ToString(CultureInfo.InvariantCulture)}).");
            }

            if (schema["maximum"] is JsonValue max && max.TryGetValue<double>(out var maximum) && number > maximum)
            {
                problems.Add($"{path} must be at most {maximum.ToString(CultureInfo.InvariantCulture)} (found {number.ToString(CultureInfo.InvariantCulture)}).");
            }
        }
        else if (scalar.TryGetValue<string>(out var text))
        {
            if (schema["minLength"] is JsonValue minLength && minLength.TryGetValue<int>(out var least) && text.Length < least)
            {
                problems.Add(least == 1 ? $"{path} must not be empty." : $"{path} must be at least {least} characters long.");
            }

            if (schema["format"] is JsonValue format && format.TryGetValue<string>(out var f) && f == "uri" && !Uri.TryCreate(text, UriKind.Absolute, out _))
            {
                problems.Add($"{path} must be an absolute URL (found {Describe(scalar, path)}).");
            }
        }
    }

    // Messages name the field but never echo what might be a credential.
    private static bool IsSecret(string path)
    {
        var field = path[(path.LastIndexOf(':') + 1)..];
        return field.EndsWith("token", StringComparison.OrdinalIgnoreCase) || SecretWords.Any(word => field.Contains(word, StringComparison.OrdinalIgnoreCase));
    }

    private static HashSet<string> Types(JsonObject schema) => schema["type"] switch
    {
        JsonValue single when single.TryGetValue<string>(out var type) => new HashSet<string>(StringComparer.Ordinal) { type },
        JsonArray many => many.Select(t => t?.GetValue<string>()).OfType<string>().ToHashSet(StringComparer.Ordinal),
        _ => new HashSet<string>(StringComparer.Ordinal),
    };

    private static string TypeOf(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v when v.TryGetValue<bool>(out _) => "boolean",
        JsonValue v when v.TryGetValue<string>(out _) => "string",
        JsonValue v when v.TryGetValue<double>(out var d) && d == Math.Floor(d) && !double.IsInfinity(d) => "integer",
        _ => "number",
    };

    private static string Describe(JsonNode? value, string path) => IsSecret(path) ? "a value that is not shown" : value switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<string>(out var s) => $"'{(s.Length > 40 ? s[..40] + "…" : s)}'",
        JsonObject => "an object",
        JsonArray => "a list",
        _ => value.ToJsonString(),
    };
}
