using System.Text.Json;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.Responses;

/// <summary>
/// Reads <c>text</c> of a Responses request: <c>format</c> (<c>text</c>, <c>json_object</c>, or <c>json_schema</c> with
/// name, schema, strict and description flat in the format object) becomes the pipeline's structured output, which every
/// backend format honours its own way; <c>verbosity</c> is echoed. <c>text: {}</c> is plain text.
/// </summary>
internal static class ResponsesTextFormatReader
{
    /// <summary>Reads the configuration into the request; returns it as the Response object shows it.</summary>
    public static JsonObject Read(JsonFieldReader fields, JsonObject? text, ChatRequest into)
    {
        var format = fields.Object(text, "format", "text.format");
        var verbosity = fields.String(text, "verbosity", "text.verbosity");
        if (verbosity is not (null or "low" or "medium" or "high"))
        {
            fields.Fail<string>($"text.verbosity: must be 'low', 'medium' or 'high', not '{JsonFieldReader.Quote(verbosity)}'");
        }

        var echoed = new JsonObject { ["format"] = new JsonObject { ["type"] = "text" }, ["verbosity"] = verbosity ?? "medium" };
        if (format is null || fields.Problem is not null)
        {
            return echoed;
        }

        switch (fields.String(format, "type", "text.format.type", required: true))
        {
            case "text" or null:
                break;
            case "json_object":
                into.ResponseFormat = ResponseFormat.Json();
                echoed["format"] = new JsonObject { ["type"] = "json_object" };
                break;
            case "json_schema":
                var name = fields.String(format, "name", "text.format.name", required: true);
                var schema = fields.Object(format, "schema", "text.format.schema", required: true);
                var strict = fields.Boolean(format, "strict", "text.format.strict");
                var description = fields.String(format, "description", "text.format.description");
                if (fields.Problem is null)
                {
                    into.ResponseFormat = ResponseFormat.ForSchema(name!, JsonSerializer.SerializeToElement(schema!, ResponsesJsonContext.Default.JsonObject), strict);
                    echoed["format"] = new JsonObject
                    {
                        ["type"] = "json_schema",
                        ["name"] = name,
                        ["description"] = description,
                        ["schema"] = schema!.DeepClone(),
                        ["strict"] = strict,
                    };
                }

                break;
            case { } other:
                fields.Fail<string>($"text.format.type: must be 'text', 'json_object' or 'json_schema', not '{JsonFieldReader.Quote(other)}'");
                break;
        }

        return echoed;
    }
}
