using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Wasm.Abi;

/// <summary>
/// Writes the inputs of QueryMT's plugin exports from the library's requests. Messages go in QueryMT's content-block
/// form (<c>{"role":"User","content":[{"type":"text",…}]}</c>), which plugins of every QueryMT generation read; tool
/// results travel in a User message; the system prompt goes in <c>cfg.system</c>.
/// </summary>
internal static class QueryMtRequests
{
    /// <summary>Writes <c>{"cfg":…,"messages":[…],"tools":[…]|null}</c>.</summary>
    public static byte[] Chat(JsonObject cfg, ChatRequest request)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            HttpWire.WriteNode(writer, "cfg", cfg);
            writer.WriteStartArray("messages");
            WriteMessages(writer, request.Messages);
            writer.WriteEndArray();
            if (request.Tools is { Count: > 0 } tools)
            {
                writer.WriteStartArray("tools");
                foreach (var tool in tools)
                {
                    writer.WriteStartObject();
                    writer.WriteString("type", "function");
                    writer.WriteStartObject("function");
                    writer.WriteString("name", tool.Name);
                    writer.WriteString("description", tool.Description ?? string.Empty);
                    writer.WritePropertyName("parameters");
                    if (tool.Parameters is { } parameters)
                    {
                        parameters.WriteTo(writer);
                    }
                    else
                    {
                        writer.WriteStartObject();
                        writer.WriteString("type", "object");
                        writer.WriteStartObject("properties");
                        writer.WriteEndObject();
                        writer.WriteEndObject();
                    }

                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }
            else
            {
                writer.WriteNull("tools");
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes <c>{"cfg":…}</c> followed by one more property.</summary>
    public static byte[] WithConfig(JsonObject cfg, Action<Utf8JsonWriter>? more = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            HttpWire.WriteNode(writer, "cfg", cfg);
            more?.Invoke(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes a JSON value on its own (a bare cfg, a parser id).</summary>
    public static byte[] Bare(JsonNode node) => JsonSerializer.SerializeToUtf8Bytes(node, WasmNodeJsonContext.Default.JsonNode);

    /// <summary>Writes <c>{"parser_id":id,"chunk":[bytes]}</c>.</summary>
    public static byte[] ParserChunk(long parserId, ReadOnlySpan<byte> line)
    {
        var buffer = new ArrayBufferWriter<byte>(16 + line.Length * 4);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("parser_id", parserId);
            HttpWire.WriteBytes(writer, "chunk", line);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteMessages(Utf8JsonWriter writer, List<ChatMessage> messages)
    {
        var pendingToolResults = new List<ChatMessage>();
        foreach (var message in messages)
        {
            if (Is(message, ChatRole.System))
            {
                continue; // in cfg.system
            }

            if (Is(message, ChatRole.Tool))
            {
                pendingToolResults.Add(message);
                continue;
            }

            FlushToolResults(writer, pendingToolResults);
            writer.WriteStartObject();
            writer.WriteString("role", Is(message, ChatRole.Assistant) ? "Assistant" : "User");
            writer.WriteStartArray("content");
            if (Is(message, ChatRole.Assistant))
            {
                WriteAssistantBlocks(writer, message);
            }
            else
            {
                WriteUserBlocks(writer, message);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        FlushToolResults(writer, pendingToolResults);
    }

    private static bool Is(ChatMessage message, string role) => string.Equals(message.Role, role, StringComparison.OrdinalIgnoreCase);

    private static void WriteUserBlocks(Utf8JsonWriter writer, ChatMessage message)
    {
        foreach (var part in message.GetParts())
        {
            writer.WriteStartObject();
            if (part.Kind == ContentPartKind.Text)
            {
                writer.WriteString("type", "text");
                writer.WriteString("text", part.Text ?? string.Empty);
            }
            else if (part.TryGetImageBytes(out var data, out var mediaType))
            {
                // Bytes (given as bytes or as a base64 data: URL) are QueryMT's image block: the bytes as an array of numbers.
                writer.WriteString("type", "image");
                writer.WriteString("mime_type", mediaType);
                HttpWire.WriteBytes(writer, "data", data.Span);
            }
            else
            {
                writer.WriteString("type", "image_url");
                writer.WriteString("url", part.ToImageUrl());
            }

            writer.WriteEndObject();
        }
    }

    private static void WriteAssistantBlocks(Utf8JsonWriter writer, ChatMessage message)
    {
        if (!string.IsNullOrEmpty(message.Reasoning))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "thinking");
            writer.WriteString("text", message.Reasoning);
            if (message.ReasoningSignature is { } signature)
            {
                writer.WriteString("signature", signature);
            }

            writer.WriteEndObject();
        }

        var text = message.GetText();
        if (text.Length > 0)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "text");
            writer.WriteString("text", text);
            writer.WriteEndObject();
        }

        foreach (var call in message.ToolCalls ?? new List<ToolCall>())
        {
            writer.WriteStartObject();
            writer.WriteString("type", "tool_use");
            writer.WriteString("id", call.Id);
            writer.WriteString("name", call.Name);
            writer.WritePropertyName("arguments");
            try
            {
                using var arguments = JsonDocument.Parse(string.IsNullOrWhiteSpace(call.Arguments) ? "{}" : call.Arguments);
                arguments.RootElement.WriteTo(writer);
            }
            catch (JsonException)
            {
                writer.WriteStringValue(call.Arguments);
            }

            writer.WriteEndObject();
        }
    }

    private static void FlushToolResults(Utf8JsonWriter writer, List<ChatMessage> results)
    {
        if (results.Count == 0)
        {
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("role", "User");
        writer.WriteStartArray("content");
        foreach (var result in results)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "tool_result");
            writer.WriteString("id", result.ToolCallId ?? string.Empty);
            if (result.Name is { } name)
            {
                writer.WriteString("name", name);
            }

            writer.WriteBoolean("is_error", false);
            writer.WriteStartArray("content");
            writer.WriteStartObject();
            writer.WriteString("type", "text");
            writer.WriteString("text", result.GetText());
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        results.Clear();
    }
}
