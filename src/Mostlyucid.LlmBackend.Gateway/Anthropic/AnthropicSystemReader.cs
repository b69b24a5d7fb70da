using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.Anthropic;

/// <summary>
/// Reads Anthropic's top-level <c>system</c>: a string, or text blocks. Blocks become one system message whose text is the
/// blocks joined with a blank line (what a backend taking one string gets); when a block carries <c>cache_control</c>, the
/// blocks are kept as parts too, so an Anthropic backend receives them as they were sent.
/// </summary>
internal static class AnthropicSystemReader
{
    public static void Read(JsonFieldReader fields, JsonObject root, List<ChatMessage> into)
    {
        switch (root["system"])
        {
            case null:
                return;
            case JsonArray blocks:
                var parts = new List<ContentPart>();
                for (var i = 0; i < blocks.Count; i++)
                {
                    var path = $"system.{i}";
                    if (!fields.IsObject(blocks[i], path))
                    {
                        return;
                    }

                    if (fields.String(blocks[i], "type", $"{path}.type", required: true) is { } type && type != "text")
                    {
                        fields.Fail<string>($"{path}.type: system blocks must be of type 'text', not '{JsonFieldReader.Quote(type)}'");
                    }

                    var part = ContentPart.FromText(fields.String(blocks[i], "text", $"{path}.text", required: true) ?? string.Empty);
                    part.CacheControl = AnthropicSourceReader.CacheControl(fields, blocks[i], path);
                    parts.Add(part);
                }

                var message = new ChatMessage { Role = ChatRole.System, Content = string.Join("\n\n", parts.Select(p => p.Text)) };
                if (parts.Any(p => p.CacheControl is not null))
                {
                    message.Parts = parts;
                }

                into.Add(message);
                return;
            default:
                into.Add(new ChatMessage { Role = ChatRole.System, Content = fields.StringValue(root["system"], "system") ?? string.Empty });
                return;
        }
    }
}
