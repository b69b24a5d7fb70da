using System.Text.Json;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.Anthropic;

/// <summary>
/// Reads an Anthropic Messages request (as the official SDKs send it) into the library's model. Content may be a string
/// or blocks; tool results inside a user turn become tool messages; thinking blocks come back as reasoning with their
/// signature.
/// </summary>
internal static class AnthropicRequestReader
{
    public static (ChatRequest? Request, string? Problem) Read(JsonNode body)
    {
        if (body is not JsonObject root)
        {
            return (null, "The request body must be a JSON object.");
        }

        if (Text(root, "model") is not { Length: > 0 } model)
        {
            return (null, "model: Field required");
        }

        if (root["max_tokens"] is not JsonValue maxTokensValue || !maxTokensValue.TryGetValue<int>(out var maxTokens) || maxTokens < 1)
        {
            return (null, "max_tokens: Field required (a whole number of at least 1)");
        }

        if (root["messages"] is not JsonArray { Count: > 0 } messages)
        {
            return (null, "messages: Field required (a non-empty list)");
        }

        var request = new ChatRequest
        {
            Model = model,
            MaxTokens = maxTokens,
            Temperature = Number(root, "temperature"),
            TopP = Number(root, "top_p"),
            TopK = root["top_k"] is JsonValue k && k.TryGetValue<int>(out var topK) ? topK : null,
            Stop = root["stop_sequences"] is JsonArray stops ? stops.Select(s => s?.GetValue<string>() ?? string.Empty).ToList() : null,
            User = Text(root["metadata"], "user_id"),
            ThinkingBudgetTokens = Text(root["thinking"], "type") == "enabled" && root["thinking"]!["budget_tokens"] is JsonValue budget && budget.TryGetValue<int>(out var tokens) ? tokens : null,
        };

        switch (root["system"])
        {
            case JsonValue value when value.TryGetValue<string>(out var system):
                request.Messages.Add(new ChatMessage { Role = ChatRole.System, Content = system });
                break;
            case JsonArray blocks:
                request.Messages.Add(new ChatMessage { Role = ChatRole.System, Content = string.Concat(blocks.Where(b => Text(b, "type") == "text").Select(b => Text(b, "text"))) });
                break;
        }

        for (var i = 0; i < messages.Count; i++)
        {
            if (ReadMessage(messages[i], request.Messages) is { } problem)
            {
                return (null, $"messages.{i}: {problem}");
            }
        }

        if (root["tools"] is JsonArray tools)
        {
            request.Tools = new List<ToolDefinition>();
            for (var i = 0; i < tools.Count; i++)
            {
                var tool = tools[i];
                if (Text(tool, "type") is { } type && type != "custom" || Text(tool, "name") is not { Length: > 0 } name)
                {
                    return (null, $"tools.{i}: only custom tools with a name and an input_schema are supported here (server tools such as web search are not)");
                }

                request.Tools.Add(new ToolDefinition
                {
                    Name = name,
                    Description = Text(tool, "description"),
                    Parameters = tool!["input_schema"] is { } schema ? JsonSerializer.SerializeToElement(schema, GatewayNodeContext.Default.JsonNode) : null,
                });
            }
        }

        if (root["tool_choice"] is JsonObject choice)
        {
            request.ToolChoice = Text(choice, "type") switch
            {
                "any" => ToolChoice.Required,
                "none" => ToolChoice.None,
                "tool" => ToolChoice.ForFunction(Text(choice, "name") ?? string.Empty),
                _ => ToolChoice.Auto,
            };
            if (choice["disable_parallel_tool_use"] is JsonValue disable && disable.TryGetValue<bool>(out var disabled) && disabled)
            {
                request.ParallelToolCalls = false;
            }
        }

        return (request, null);
    }

    private static string? ReadMessage(JsonNode? node, List<ChatMessage> into)
    {
        var role = Text(node, "role");
        if (role is not ("user" or "assistant"))
        {
            return $"role must be 'user' or 'assistant', not '{role}'";
        }

        switch (node!["content"])
        {
            case JsonValue value when value.TryGetValue<string>(out var text):
                into.Add(new ChatMessage { Role = role, Content = text });
                return null;
            case JsonArray blocks:
                return role == "user" ? ReadUserBlocks(blocks, into) : ReadAssistantBlocks(blocks, into);
            default:
                return "content must be a string or a list of content blocks";
        }
    }

    private static string? ReadUserBlocks(JsonArray blocks, List<ChatMessage> into)
    {
        var parts = new List<ContentPart>();
        foreach (var block in blocks)
        {
            switch (Text(block, "type"))
            {
                case "text":
                    parts.Add(ContentPart.FromText(Text(block, "text") ?? string.Empty));
                    break;
                case "image":
                    var source = block!["source"];
                    switch (Text(source, "type"))
                    {
                        case "base64":
                            try
                            {
                                parts.Add(ContentPart.FromImageBytes(Convert.FromBase64String(Text(source, "data") ?? string.Empty), Text(source, "media_type") ?? "application/octet-stream"));
                            }
                            catch (FormatException)
                            {
                                return "an image's source.data is not valid base64";
                            }

                            break;
                        case "url":
                            parts.Add(ContentPart.FromImageUrl(Text(source, "url") ?? string.Empty));
                            break;
                        default:
                            return $"image source type '{Text(source, "type")}' is not supported (base64 and url are)";
                    }

                    break;
                case "tool_result":
                    var content = block!["content"] switch
                    {
                        JsonValue value when value.TryGetValue<string>(out var plain) => plain,
                        JsonArray inner => string.Concat(inner.Where(b => Text(b, "type") == "text").Select(b => Text(b, "text"))),
                        _ => string.Empty,
                    };
                    var isError = block["is_error"] is JsonValue e && e.TryGetValue<bool>(out var error) && error;
                    into.Add(new ChatMessage { Role = ChatRole.Tool, ToolCallId = Text(block, "tool_use_id"), Content = isError ? "Error: " + content : content });
                    break;
                default:
                    return $"content blocks of type '{Text(block, "type")}' are not supported in user turns (text, image and tool_result are)";
            }
        }

        if (parts.Count > 0)
        {
            var message = new ChatMessage { Role = ChatRole.User, Parts = parts };
            message.Content = message.GetText();
            into.Add(message);
        }

        return null;
    }

    private static string? ReadAssistantBlocks(JsonArray blocks, List<ChatMessage> into)
    {
        var message = new ChatMessage { Role = ChatRole.Assistant };
        var text = new System.Text.StringBuilder();
        foreach (var block in blocks)
        {
            switch (Text(block, "type"))
            {
                case "text":
                    text.Append(Text(block, "text"));
                    break;
                case "tool_use":
                    (message.ToolCalls ??= new List<ToolCall>()).Add(new ToolCall
                    {
                        Id = Text(block, "id") ?? string.Empty,
                        Name = Text(block, "name") ?? string.Empty,
                        Arguments = block!["input"]?.ToJsonString() ?? "{}",
                    });
                    break;
                case "thinking":
                    message.Reasoning = Text(block, "thinking");
                    message.ReasoningSignature = Text(block, "signature");
                    break;
                case "redacted_thinking":
                    break;
                default:
                    return $"content blocks of type '{Text(block, "type")}' are not supported in assistant turns (text, tool_use and thinking are)";
            }
        }

        message.Content = text.ToString();
        into.Add(message);
        return null;
    }

    private static string? Text(JsonNode? node, string name) =>
        node is JsonObject o && o[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static double? Number(JsonNode? node, string name) =>
        node is JsonObject o && o[name] is JsonValue value && value.TryGetValue<double>(out var number) ? number : null;
}
