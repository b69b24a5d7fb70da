using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mostlyucid.LlmBackend.FakeProvider.Brain;

/// <summary>
/// The fake's structured output: a JSON value that matches a JSON Schema (strings are "Paris", numbers 21, booleans
/// true, arrays one element, objects every property), so clients that parse and validate structured answers can be
/// tested end to end.
/// </summary>
public static class FakeStructuredOutput
{
    private const string InstructionStart = "Respond with only a JSON object";
    private const string SchemaMarker = "must match this JSON Schema";

    /// <summary>A value matching <paramref name="schema"/>; an empty schema gives an object.</summary>
    public static JsonNode For(JsonNode? schema)
    {
        if (schema?["enum"] is JsonArray { Count: > 0 } choices)
        {
            return choices[0]!.DeepClone();
        }

        var type = schema?["type"] switch
        {
            JsonValue value when value.TryGetValue<string>(out var single) => single,
            JsonArray types => types.Select(t => t?.GetValue<string>()).FirstOrDefault(t => t != "null"),
            _ => schema?["properties"] is not null || schema is null || schema is JsonObject { Count: 0 } ? "object" : null,
        };
        switch (type)
        {
            case "string":
                return JsonValue.Create("Paris");
            case "number" or "integer":
                return JsonValue.Create(21);
            case "boolean":
                return JsonValue.Create(true);
            case "array":
                return new JsonArray(For(schema?["items"]));
            case "object":
                var result = new JsonObject();
                foreach (var (name, property) in (schema?["properties"] as JsonObject) ?? new JsonObject())
                {
                    result[name] = For(property);
                }

                return result;
            default:
                return schema?["anyOf"] is JsonArray { Count: > 0 } anyOf ? For(anyOf[0]) : JsonValue.Create("Paris");
        }
    }

    /// <summary>
    /// The schema in a system prompt that asks for JSON the way formats without native structured output are asked
    /// (the library's Anthropic mapper: "Respond with only a JSON object … must match this JSON Schema …:\n{schema}");
    /// an empty schema when JSON is asked for without one; <see langword="null"/> when the prompt does not ask for JSON.
    /// </summary>
    public static JsonNode? FromInstruction(string? system)
    {
        var start = system?.IndexOf(InstructionStart, StringComparison.Ordinal) ?? -1;
        if (start < 0)
        {
            return null;
        }

        var marker = system!.IndexOf(SchemaMarker, start, StringComparison.Ordinal);
        var colon = marker < 0 ? -1 : system.IndexOf(":\n", marker, StringComparison.Ordinal);
        if (colon < 0)
        {
            return new JsonObject();
        }

        try
        {
            return JsonNode.Parse(system[(colon + 2)..]) ?? new JsonObject();
        }
        catch (JsonException)
        {
            return new JsonObject();
        }
    }
}
