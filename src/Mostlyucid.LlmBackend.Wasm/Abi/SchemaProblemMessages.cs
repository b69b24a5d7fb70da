using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mostlyucid.LlmBackend.Wasm.Abi;

/// <summary>
/// What a failing JSON Schema keyword asks of a field, in words: built from the schema (its limits, its allowed values)
/// and the kind of value found, never the value itself — a value in the wrong place may be a credential.
/// </summary>
internal static class SchemaProblemMessages
{
    /// <summary>Describes a failing keyword.</summary>
    /// <param name="keyword">The keyword (<c>type</c>, <c>required</c>, <c>maximum</c>, …).</param>
    /// <param name="at">The field's name (<c>Backend 'x': PluginConfig:temperature</c>).</param>
    /// <param name="schema">The subschema holding the keyword, when it was found.</param>
    /// <param name="value">The value at the field, when there is one.</param>
    /// <returns>One message, or one per missing field for <c>required</c>.</returns>
    public static IEnumerable<string> For(string keyword, string at, JsonObject? schema, JsonNode? value)
    {
        var limit = schema?[keyword];
        if (limit is null && keyword != "type")
        {
            return new[] { $"{at} does not match the plugin's configuration schema ({keyword})." };
        }

        return keyword switch
        {
            "required" => Missing(limit, value).Select(name => $"{at}:{name} is required by the plugin's configuration schema."),
            _ => new[] { Single(keyword, at, schema, limit, value) },
        };
    }

    private static string Single(string keyword, string at, JsonObject? schema, JsonNode? limit, JsonNode? value) => keyword switch
    {
        "type" => $"{at} must be {Expected(schema)} (found {KindOf(value)}).",
        "enum" => $"{at} must be one of {string.Join(", ", limit!.AsArray().Select(a => a?.ToJsonString() ?? "null"))}.",
        "const" => $"{at} must be {limit!.ToJsonString()}.",
        "minimum" => $"{at} must be at least {limit!.ToJsonString()}.",
        "maximum" => $"{at} must be at most {limit!.ToJsonString()}.",
        "exclusiveMinimum" => $"{at} must be more than {limit!.ToJsonString()}.",
        "exclusiveMaximum" => $"{at} must be less than {limit!.ToJsonString()}.",
        "multipleOf" => $"{at} must be a multiple of {limit!.ToJsonString()}.",
        "minLength" => limit!.ToJsonString() == "1" ? $"{at} must not be empty." : $"{at} must be at least {limit.ToJsonString()} characters long.",
        "maxLength" => $"{at} must be at most {limit!.ToJsonString()} characters long.",
        "minItems" => $"{at} must list at least {limit!.ToJsonString()} item(s).",
        "maxItems" => $"{at} must list at most {limit!.ToJsonString()} item(s).",
        "uniqueItems" => $"{at} must not list the same item twice.",
        "minProperties" => $"{at} must have at least {limit!.ToJsonString()} setting(s).",
        "maxProperties" => $"{at} must have at most {limit!.ToJsonString()} setting(s).",
        "pattern" => $"{at} must match the pattern {limit!.ToJsonString()}.",
        "format" => limit!.ToJsonString() is "\"uri\"" ? $"{at} must be an absolute URL." : $"{at} must be a valid {limit.ToJsonString()}.",
        _ => $"{at} does not match the plugin's configuration schema ({keyword}).",
    };

    private static IEnumerable<string> Missing(JsonNode? required, JsonNode? value) =>
        (required as JsonArray ?? new JsonArray())
            .OfType<JsonValue>()
            .Select(r => r.TryGetValue<string>(out var name) ? name : null)
            .OfType<string>()
            .Where(name => value is not JsonObject obj || !obj.ContainsKey(name));

    private static string Expected(JsonObject? schema) =>
        schema is null ? "of another type" : string.Join(" or ", ConfigCoercion.Types(schema));

    private static string KindOf(JsonNode? value) => value?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        _ => "a boolean",
    };
}
