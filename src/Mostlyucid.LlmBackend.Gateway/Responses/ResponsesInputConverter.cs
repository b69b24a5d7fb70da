using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.Responses;

/// <summary>
/// Turns a conversation of Responses items into the pipeline's messages: <c>message</c> items (user, system, developer,
/// assistant; text and image parts), <c>function_call</c> and <c>function_call_output</c>, and <c>reasoning</c>.
/// Consecutive assistant-side items — reasoning, text, function calls — become one assistant message, as every backend
/// format expects. Every item is checked; a bad one is a 400 naming it (<c>input[2].content[0].type</c>).
/// </summary>
internal static class ResponsesInputConverter
{
    /// <summary>Converts the conversation, after the instructions, into <paramref name="into"/>.</summary>
    /// <returns>The problem, or <see langword="null"/> when every item was converted.</returns>
    public static ResponsesProblem? Convert(string? instructions, IReadOnlyList<ResponsesInputResolver.PlacedItem> items, List<ChatMessage> into)
    {
        if (!string.IsNullOrEmpty(instructions))
        {
            into.Add(new ChatMessage { Role = ChatRole.System, Content = instructions });
        }

        var fields = new JsonFieldReader();
        ChatMessage? assistant = null;
        foreach (var (item, path) in items)
        {
            var type = fields.String(item, "type", path + ".type") ?? (item["role"] is not null ? "message" : fields.Fail<string>($"{path}.type: Field required (message, function_call, function_call_output, reasoning or item_reference)"));
            var role = type == "message" ? fields.String(item, "role", path + ".role", required: true) : null;
            switch (type)
            {
                case "message" when role == "assistant":
                    assistant ??= Open(into);
                    AppendAssistantText(fields, item, path, assistant);
                    break;
                case "message":
                    assistant = null;
                    if (Message(fields, item, path, role) is { } message)
                    {
                        into.Add(message);
                    }

                    break;
                case "function_call":
                    assistant ??= Open(into);
                    AppendCall(fields, item, path, assistant);
                    break;
                case "reasoning":
                    // Reasoning opens the assistant turn it belongs to.
                    assistant = Open(into);
                    AppendReasoning(fields, item, path, assistant);
                    break;
                case "function_call_output":
                    assistant = null;
                    into.Add(new ChatMessage
                    {
                        Role = ChatRole.Tool,
                        ToolCallId = fields.String(item, "call_id", path + ".call_id", required: true),
                        Content = Text(fields, item["output"], path + ".output", "input_text", required: true),
                    });
                    break;
                case { } other:
                    fields.Fail<string>($"{path}.type: items of type '{JsonFieldReader.Quote(other)}' are not supported; this gateway takes message, function_call, function_call_output, reasoning and item_reference items (built-in OpenAI tools do not run here)");
                    break;
            }

            if (fields.Problem is not null)
            {
                break;
            }
        }

        return ResponsesProblem.From(fields);
    }

    private static ChatMessage Open(List<ChatMessage> into)
    {
        var message = new ChatMessage { Role = ChatRole.Assistant };
        into.Add(message);
        return message;
    }

    private static ChatMessage? Message(JsonFieldReader fields, JsonObject item, string path, string? role)
    {
        var mapped = role switch
        {
            "user" => ChatRole.User,
            "system" or "developer" => ChatRole.System,
            null => null,
            _ => fields.Fail<string>($"{path}.role: must be 'user', 'assistant', 'system' or 'developer', not '{JsonFieldReader.Quote(role)}'"),
        };
        var content = item["content"];
        if (mapped is null || fields.Problem is not null)
        {
            return null;
        }

        if (content is null)
        {
            return fields.Fail<ChatMessage>($"{path}.content: Field required (a string or a list of content parts)");
        }

        if (content.GetValueKind() == JsonValueKind.String || mapped == ChatRole.System)
        {
            return new ChatMessage { Role = mapped, Content = Text(fields, content, path + ".content", "input_text", required: true) };
        }

        if (content is not JsonArray parts)
        {
            return fields.Fail<ChatMessage>($"{path}.content: must be a string or a list of content parts, not {JsonFieldReader.Describe(content)}");
        }

        var message = new ChatMessage { Role = mapped, Parts = new List<ContentPart>(parts.Count) };
        for (var i = 0; i < parts.Count && fields.Problem is null; i++)
        {
            var partPath = $"{path}.content[{i}]";
            if (!fields.IsObject(parts[i], partPath))
            {
                break;
            }

            var part = (JsonObject)parts[i]!;
            switch (fields.String(part, "type", partPath + ".type", required: true))
            {
                case "input_text":
                    message.Parts.Add(ContentPart.FromText(fields.String(part, "text", partPath + ".text", required: true) ?? string.Empty));
                    break;
                case "input_image":
                    var url = fields.String(part, "image_url", partPath + ".image_url");
                    var detail = fields.String(part, "detail", partPath + ".detail");
                    if (fields.Problem is null && string.IsNullOrEmpty(url))
                    {
                        fields.Fail<string>($"{partPath}.image_url: an input_image needs an image_url (an https URL or a data: URL); file_id refers to OpenAI's file storage, which is not served here");
                    }

                    message.Parts.Add(ContentPart.FromImageUrl(url ?? string.Empty, detail is "auto" ? null : detail));
                    break;
                case "input_file":
                    fields.Fail<string>($"{partPath}.type: input_file parts are not supported by this gateway's Responses API yet; send the document's text as an input_text part");
                    break;
                case { } other:
                    fields.Fail<string>($"{partPath}.type: must be 'input_text' or 'input_image' in a {JsonFieldReader.Quote(role)} message, not '{JsonFieldReader.Quote(other)}'");
                    break;
            }
        }

        message.Content = message.GetText();
        return message;
    }

    private static void AppendAssistantText(JsonFieldReader fields, JsonObject item, string path, ChatMessage assistant)
    {
        var text = Text(fields, item["content"], path + ".content", "output_text", required: true);
        assistant.Content = assistant.Content.Length == 0 ? text : assistant.Content + "\n\n" + text;
    }

    private static void AppendCall(JsonFieldReader fields, JsonObject item, string path, ChatMessage assistant)
    {
        var callId = fields.String(item, "call_id", path + ".call_id", required: true);
        var name = fields.String(item, "name", path + ".name", required: true);
        var arguments = fields.String(item, "arguments", path + ".arguments", required: true);
        if (fields.Problem is null)
        {
            (assistant.ToolCalls ??= new List<ToolCall>()).Add(new ToolCall { Id = callId!, Name = name!, Arguments = arguments! });
        }
    }

    private static void AppendReasoning(JsonFieldReader fields, JsonObject item, string path, ChatMessage assistant)
    {
        var text = new StringBuilder();
        foreach (var (name, partType) in new[] { ("summary", "summary_text"), ("content", "reasoning_text") })
        {
            var parts = fields.Array(item, name, $"{path}.{name}");
            for (var i = 0; parts is not null && i < parts.Count && fields.Problem is null; i++)
            {
                if (fields.IsObject(parts[i], $"{path}.{name}[{i}]") && fields.String(parts[i], "text", $"{path}.{name}[{i}].text", required: true) is { } piece && (string?)parts[i]!["type"] == partType)
                {
                    text.Append(text.Length == 0 ? string.Empty : "\n\n").Append(piece);
                }
            }

            if (text.Length > 0)
            {
                break;
            }
        }

        assistant.Reasoning = text.Length == 0 ? null : text.ToString();
        assistant.ReasoningSignature = fields.String(item, "encrypted_content", path + ".encrypted_content");
    }

    /// <summary>The text of a string, or of a list of text parts (<paramref name="textType"/>, or any part with text).</summary>
    private static string Text(JsonFieldReader fields, JsonNode? content, string path, string textType, bool required)
    {
        if (content is null)
        {
            return required ? fields.Fail<string>($"{path}: Field required (a string or a list of {textType} parts)") ?? string.Empty : string.Empty;
        }

        if (content.GetValueKind() == JsonValueKind.String)
        {
            return fields.StringValue(content, path) ?? string.Empty;
        }

        if (content is not JsonArray parts)
        {
            return fields.Fail<string>($"{path}: must be a string or a list of {textType} parts, not {JsonFieldReader.Describe(content)}") ?? string.Empty;
        }

        var text = new StringBuilder();
        for (var i = 0; i < parts.Count && fields.Problem is null; i++)
        {
            var partPath = $"{path}[{i}]";
            if (!fields.IsObject(parts[i], partPath))
            {
                break;
            }

            var type = fields.String(parts[i], "type", partPath + ".type", required: true);
            var piece = type switch
            {
                "input_text" or "output_text" => fields.String(parts[i], "text", partPath + ".text", required: true),
                "refusal" => fields.String(parts[i], "refusal", partPath + ".refusal", required: true),
                _ => fields.Fail<string>($"{partPath}.type: must be a text part ({textType}) here, not '{JsonFieldReader.Quote(type)}'"),
            };
            text.Append(piece);
        }

        return text.ToString();
    }
}
