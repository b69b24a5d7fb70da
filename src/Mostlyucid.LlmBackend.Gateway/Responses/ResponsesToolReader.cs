using System.Text.Json;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.Responses;

/// <summary>
/// Reads <c>tools</c> and <c>tool_choice</c> of a Responses request. Function tools are flat here
/// (<c>{"type":"function","name",…}</c>, not nested under <c>function</c> as in chat completions). OpenAI's built-in tools
/// (web search, file search, code interpreter, …) run on OpenAI's servers, not here: they are a 400 that says so.
/// </summary>
internal static class ResponsesToolReader
{
    /// <summary>Reads the tools into the request; returns them as the Response object lists them.</summary>
    public static JsonArray Read(JsonFieldReader fields, JsonArray? tools, ChatRequest into)
    {
        var echoed = new JsonArray();
        if (tools is null || tools.Count == 0)
        {
            return echoed;
        }

        into.Tools = new List<ToolDefinition>(tools.Count);
        for (var i = 0; i < tools.Count && fields.Problem is null; i++)
        {
            var path = $"tools[{i}]";
            if (!fields.IsObject(tools[i], path))
            {
                break;
            }

            var tool = (JsonObject)tools[i]!;
            var type = fields.String(tool, "type", path + ".type", required: true);
            if (type is not null && type != "function")
            {
                fields.Fail<string>($"{path}.type: '{JsonFieldReader.Quote(type)}' is a built-in OpenAI tool, which runs on OpenAI's servers; this gateway supports only tools of type 'function' (the client runs them). Remove it, or define it as a function tool.");
                break;
            }

            var name = fields.String(tool, "name", path + ".name", required: true);
            var description = fields.String(tool, "description", path + ".description");
            var parameters = fields.Object(tool, "parameters", path + ".parameters");
            var strict = fields.Boolean(tool, "strict", path + ".strict");
            if (fields.Problem is null && string.IsNullOrWhiteSpace(name))
            {
                fields.Fail<string>($"{path}.name: must name the function");
            }

            if (fields.Problem is not null)
            {
                break;
            }

            into.Tools.Add(new ToolDefinition
            {
                Name = name!,
                Description = description,
                Parameters = parameters is null ? null : JsonSerializer.SerializeToElement(parameters, ResponsesJsonContext.Default.JsonObject),
                Strict = strict,
            });
            echoed.Add(new JsonObject
            {
                ["type"] = "function",
                ["name"] = name,
                ["description"] = description,
                ["parameters"] = parameters?.DeepClone(),
                ["strict"] = strict ?? true,
            });
        }

        return echoed;
    }

    /// <summary>Reads <c>tool_choice</c> into the request; returns it as the Response object shows it.</summary>
    public static JsonNode ReadChoice(JsonFieldReader fields, JsonNode? choice, ChatRequest into)
    {
        const string path = "tool_choice";
        switch (choice)
        {
            case null:
                return JsonValue.Create("auto");
            case JsonValue when choice.GetValueKind() == JsonValueKind.String:
                var mode = fields.StringValue(choice, path);
                into.ToolChoice = mode switch
                {
                    "auto" => ToolChoice.Auto,
                    "none" => ToolChoice.None,
                    "required" => ToolChoice.Required,
                    _ => fields.Fail<ToolChoice>($"{path}: must be 'auto', 'none', 'required' or {{\"type\":\"function\",\"name\":…}}, not '{JsonFieldReader.Quote(mode)}'"),
                };
                return JsonValue.Create(mode ?? "auto");
            case JsonObject named:
                var type = fields.String(named, "type", path + ".type", required: true);
                if (type is not null && type != "function")
                {
                    return fields.Fail<JsonNode>($"{path}.type: '{JsonFieldReader.Quote(type)}' is not supported; this gateway supports 'auto', 'none', 'required' and {{\"type\":\"function\",\"name\":…}} (only function tools run here)") ?? JsonValue.Create("auto");
                }

                var name = fields.String(named, "name", path + ".name", required: true);
                if (fields.Problem is null && string.IsNullOrWhiteSpace(name))
                {
                    fields.Fail<string>($"{path}.name: must name one of the function tools");
                }

                if (fields.Problem is null)
                {
                    into.ToolChoice = ToolChoice.ForFunction(name!);
                }

                return new JsonObject { ["type"] = "function", ["name"] = name };
            default:
                return fields.Fail<JsonNode>($"{path}: must be a string or an object, not {JsonFieldReader.Describe(choice)}") ?? JsonValue.Create("auto");
        }
    }
}
