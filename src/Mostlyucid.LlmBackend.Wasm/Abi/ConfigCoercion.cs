using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mostlyucid.LlmBackend.Wasm.Abi;

/// <summary>
/// Gives configuration values the types a plugin's schema asks for: configuration files hold text, so <c>"0.3"</c> becomes
/// a number where the schema says <c>number</c>, <c>"true"</c> a boolean, a JSON list or object its value, and a single
/// value where a list belongs a list of one. Values that do not convert are left as they are for the schema check to name.
/// </summary>
internal static class ConfigCoercion
{
    /// <summary>Converts the values of an object whose schema declares <c>properties</c>, in place.</summary>
    /// <param name="config">The object.</param>
    /// <param name="schema">Its schema.</param>
    public static void CoerceObject(JsonObject config, JsonObject schema)
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

    /// <summary>Gets the types a schema allows (<c>type</c> as a name or a list of names).</summary>
    /// <param name="schema">The schema.</param>
    /// <returns>The type names; empty when it does not say.</returns>
    public static IReadOnlyList<string> Types(JsonObject schema) => schema["type"] switch
    {
        JsonValue single when single.TryGetValue<string>(out var type) => new[] { type },
        JsonArray many => many.OfType<JsonValue>().Select(t => t.TryGetValue<string>(out var type) ? type : null).OfType<string>().ToList(),
        _ => Array.Empty<string>(),
    };

    private static JsonNode? Coerced(JsonNode? value, JsonObject schema)
    {
        var types = Types(schema);
        if (value is JsonValue text && text.TryGetValue<string>(out var s))
        {
            return FromText(s, value, types, schema);
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

    private static JsonNode? FromText(string s, JsonNode value, IReadOnlyList<string> types, JsonObject schema)
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
}
