using System.Text.Json;

namespace Mostlyucid.LlmBackend.Models;

/// <summary>Asks for JSON output (<see cref="ChatRequest.ResponseFormat"/>).</summary>
public sealed class ResponseFormat
{
    /// <summary>Gets or sets the kind of output.</summary>
    public ResponseFormatKind Kind { get; set; }

    /// <summary>Gets or sets the schema's name (required by OpenAI for <see cref="ResponseFormatKind.JsonSchema"/>).</summary>
    public string? SchemaName { get; set; }

    /// <summary>Gets or sets the JSON Schema the answer must match.</summary>
    public JsonElement? Schema { get; set; }

    /// <summary>Gets or sets whether the schema must be followed exactly, where supported.</summary>
    public bool? Strict { get; set; }

    /// <summary>Creates a "any JSON object" format.</summary>
    /// <returns>The format.</returns>
    public static ResponseFormat Json() => new() { Kind = ResponseFormatKind.JsonObject };

    /// <summary>Creates a JSON Schema format.</summary>
    /// <param name="name">The schema's name.</param>
    /// <param name="schema">The schema.</param>
    /// <param name="strict">Whether to follow it exactly.</param>
    /// <returns>The format.</returns>
    public static ResponseFormat ForSchema(string name, JsonElement schema, bool? strict = true) =>
        new() { Kind = ResponseFormatKind.JsonSchema, SchemaName = name, Schema = schema, Strict = strict };
}
