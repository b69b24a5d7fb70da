using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.Anthropic;

/// <summary>
/// Reads an Anthropic Messages request (as the official SDKs send it) into the library's model. Content may be a string
/// or blocks (text, image, document; <c>cache_control</c> kept); tool results inside a user turn become tool messages;
/// thinking blocks come back as reasoning with their signature; fields it does not map, and <c>anthropic-beta</c>, are
/// kept for Anthropic backends (<see cref="AnthropicPassThroughReader"/>). Every field it reads is type-checked (<see cref="JsonFieldReader"/>): a wrong kind of value is a 400 naming
/// the field, never silently ignored.
/// </summary>
internal static class AnthropicRequestReader
{
    /// <summary>Reads a Messages request; for <c>count_tokens</c> (<paramref name="forCounting"/>) <c>max_tokens</c> is not required.</summary>
    public static (ChatRequest? Request, bool Stream, string? Problem) Read(JsonNode body, HttpRequest? http = null, bool forCounting = false)
    {
        if (body is not JsonObject root)
        {
            return (null, false, $"The request body must be a JSON object, not {JsonFieldReader.Describe(body)}.");
        }

        var fields = new JsonFieldReader();
        var model = fields.String(root, "model", "model", required: true);
        var maxTokens = fields.Integer(root, "max_tokens", "max_tokens", required: !forCounting);
        var messages = fields.Array(root, "messages", "messages", required: true);
        var stream = fields.Boolean(root, "stream", "stream") ?? false;
        var metadata = fields.Object(root, "metadata", "metadata");
        var thinking = fields.Object(root, "thinking", "thinking");
        var request = new ChatRequest
        {
            Model = model,
            MaxTokens = maxTokens,
            Temperature = fields.Number(root, "temperature", "temperature"),
            TopP = fields.Number(root, "top_p", "top_p"),
            TopK = fields.Integer(root, "top_k", "top_k"),
            Stop = StopSequences(fields, fields.Array(root, "stop_sequences", "stop_sequences")),
            User = fields.String(metadata, "user_id", "metadata.user_id"),
            ThinkingBudgetTokens = fields.String(thinking, "type", "thinking.type") == "enabled"
                ? fields.Integer(thinking, "budget_tokens", "thinking.budget_tokens", required: true)
                : null,
        };
        if (fields.Problem is null && string.IsNullOrWhiteSpace(model))
        {
            fields.Fail<string>("model: must name a model");
        }

        if (fields.Problem is null && messages is { Count: 0 })
        {
            fields.Fail<string>("messages: must contain at least one message");
        }

        AnthropicSystemReader.Read(fields, root, request.Messages);
        for (var i = 0; messages is not null && i < messages.Count && fields.Problem is null; i++)
        {
            ReadMessage(fields, messages[i], $"messages.{i}", request.Messages);
        }

        request.Tools = ReadTools(fields, fields.Array(root, "tools", "tools"));
        ReadToolChoice(fields, fields.Object(root, "tool_choice", "tool_choice"), request);
        request.PassThrough = AnthropicPassThroughReader.Read(root, http);
        return fields.Problem is { } problem ? (null, false, problem) : (request, stream, null);
    }

    private static List<string>? StopSequences(JsonFieldReader fields, JsonArray? stops)
    {
        if (stops is null)
        {
            return null;
        }

        var list = new List<string>(stops.Count);
        for (var i = 0; i < stops.Count; i++)
        {
            list.Add(fields.StringValue(stops[i], $"stop_sequences.{i}") ?? fields.Fail<string>($"stop_sequences.{i}: must be a string, not null") ?? string.Empty);
        }

        return list;
    }

    private static void ReadMessage(JsonFieldReader fields, JsonNode? node, string path, List<ChatMessage> into)
    {
        if (node is not JsonObject)
        {
            fields.Fail<string>($"{path}: must be an object with a role and content, not {JsonFieldReader.Describe(node)}");
            return;
        }

        var role = fields.String(node, "role", $"{path}.role", required: true);
        if (fields.Problem is null && role is not ("user" or "assistant"))
        {
            fields.Fail<string>($"{path}.role: must be 'user' or 'assistant', not '{JsonFieldReader.Quote(role)}'");
            return;
        }

        switch (node["content"])
        {
            case JsonArray blocks:
                if (role == "user")
                {
                    ReadUserBlocks(fields, blocks, $"{path}.content", into);
                }
                else
                {
                    ReadAssistantBlocks(fields, blocks, $"{path}.content", into);
                }

                return;
            case null:
                fields.Fail<string>($"{path}.content: Field required");
                return;
            default:
                if (fields.StringValue(node["content"], $"{path}.content") is { } text)
                {
                    into.Add(new ChatMessage { Role = role!, Content = text });
                }
                else
                {
                    fields.Fail<string>($"{path}.content: must be a string or a list of content blocks");
                }

                return;
        }
    }

    private static void ReadUserBlocks(JsonFieldReader fields, JsonArray blocks, string path, List<ChatMessage> into)
    {
        var parts = new List<ContentPart>();
        for (var i = 0; i < blocks.Count && fields.Problem is null; i++)
        {
            var block = blocks[i];
            var at = $"{path}.{i}";
            if (!fields.IsObject(block, at))
            {
                break;
            }

            switch (fields.String(block, "type", $"{at}.type", required: true))
            {
                case "text":
                    var text = ContentPart.FromText(fields.String(block, "text", $"{at}.text", required: true) ?? string.Empty);
                    text.CacheControl = AnthropicSourceReader.CacheControl(fields, block, at);
                    parts.Add(text);
                    break;
                case "image":
                    if (AnthropicSourceReader.Image(fields, fields.Object(block, "source", $"{at}.source", required: true), $"{at}.source") is { } image)
                    {
                        image.CacheControl = AnthropicSourceReader.CacheControl(fields, block, at);
                        parts.Add(image);
                    }

                    break;
                case "document":
                    if (AnthropicSourceReader.Document(fields, block!, at) is { } document)
                    {
                        document.CacheControl = AnthropicSourceReader.CacheControl(fields, block, at);
                        parts.Add(document);
                    }

                    break;
                case "tool_result":
                    var content = block!["content"] switch
                    {
                        null => string.Empty,
                        JsonArray inner => string.Concat(inner.Select((b, j) => fields.IsObject(b, $"{at}.content.{j}") && fields.String(b, "type", $"{at}.content.{j}.type") == "text" ? fields.String(b, "text", $"{at}.content.{j}.text") : null)),
                        var plain => fields.StringValue(plain, $"{at}.content") ?? string.Empty,
                    };
                    var isError = fields.Boolean(block, "is_error", $"{at}.is_error") ?? false;
                    into.Add(new ChatMessage { Role = ChatRole.Tool, ToolCallId = fields.String(block, "tool_use_id", $"{at}.tool_use_id", required: true), Content = isError ? "Error: " + content : content });
                    break;
                case { } other:
                    fields.Fail<string>($"{at}.type: content blocks of type '{JsonFieldReader.Quote(other)}' are not supported in user turns (text, image, document and tool_result are)");
                    break;
            }
        }

        if (parts.Count > 0)
        {
            var message = new ChatMessage { Role = ChatRole.User, Parts = parts };
            message.Content = message.GetText();
            into.Add(message);
        }
    }

    private static void ReadAssistantBlocks(JsonFieldReader fields, JsonArray blocks, string path, List<ChatMessage> into)
    {
        var message = new ChatMessage { Role = ChatRole.Assistant };
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < blocks.Count && fields.Problem is null; i++)
        {
            var block = blocks[i];
            var at = $"{path}.{i}";
            if (!fields.IsObject(block, at))
            {
                break;
            }

            switch (fields.String(block, "type", $"{at}.type", required: true))
            {
                case "text":
                    text.Append(fields.String(block, "text", $"{at}.text", required: true));
                    break;
                case "tool_use":
                    var input = fields.Object(block, "input", $"{at}.input");
                    (message.ToolCalls ??= new List<ToolCall>()).Add(new ToolCall
                    {
                        Id = fields.String(block, "id", $"{at}.id", required: true) ?? string.Empty,
                        Name = fields.String(block, "name", $"{at}.name", required: true) ?? string.Empty,
                        Arguments = input?.ToJsonString() ?? "{}",
                    });
                    break;
                case "thinking":
                    message.Reasoning = fields.String(block, "thinking", $"{at}.thinking");
                    message.ReasoningSignature = fields.String(block, "signature", $"{at}.signature");
                    break;
                case "redacted_thinking":
                    break;
                case { } other:
                    fields.Fail<string>($"{at}.type: content blocks of type '{JsonFieldReader.Quote(other)}' are not supported in assistant turns (text, tool_use and thinking are)");
                    break;
            }
        }

        message.Content = text.ToString();
        into.Add(message);
    }

    private static List<ToolDefinition>? ReadTools(JsonFieldReader fields, JsonArray? tools)
    {
        if (tools is null)
        {
            return null;
        }

        var list = new List<ToolDefinition>(tools.Count);
        for (var i = 0; i < tools.Count && fields.Problem is null; i++)
        {
            var tool = tools[i];
            var at = $"tools.{i}";
            if (!fields.IsObject(tool, at))
            {
                break;
            }

            var type = fields.String(tool, "type", $"{at}.type");
            var name = fields.String(tool, "name", $"{at}.name", required: true);
            if (fields.Problem is null && (type is not (null or "custom") || string.IsNullOrWhiteSpace(name)))
            {
                fields.Fail<string>($"{at}: only custom tools with a name and an input_schema are supported here (server tools such as web search are not)");
                break;
            }

            var schema = fields.Object(tool, "input_schema", $"{at}.input_schema");
            list.Add(new ToolDefinition
            {
                Name = name ?? string.Empty,
                Description = fields.String(tool, "description", $"{at}.description"),
                Parameters = schema is null ? null : JsonSerializer.SerializeToElement(schema, GatewayNodeContext.Default.JsonNode),
                CacheControl = AnthropicSourceReader.CacheControl(fields, tool, at),
            });
        }

        return list;
    }

    private static void ReadToolChoice(JsonFieldReader fields, JsonObject? choice, ChatRequest request)
    {
        if (choice is null)
        {
            return;
        }

        request.ToolChoice = fields.String(choice, "type", "tool_choice.type", required: true) switch
        {
            "any" => ToolChoice.Required,
            "none" => ToolChoice.None,
            "tool" => ToolChoice.ForFunction(fields.String(choice, "name", "tool_choice.name", required: true) ?? string.Empty),
            "auto" or null => ToolChoice.Auto,
            var other => fields.Fail<ToolChoice>($"tool_choice.type: must be 'auto', 'any', 'tool' or 'none', not '{JsonFieldReader.Quote(other)}'"),
        };
        if (fields.Boolean(choice, "disable_parallel_tool_use", "tool_choice.disable_parallel_tool_use") == true)
        {
            request.ParallelToolCalls = false;
        }
    }
}
