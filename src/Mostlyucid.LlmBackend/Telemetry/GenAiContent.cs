using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Telemetry;

/// <summary>
/// A request's prompt and answer as the GenAI conventions record them on a span when content recording is on
/// (<c>LlmSettings:Telemetry:RecordContent</c>): <c>gen_ai.input.messages</c>, <c>gen_ai.system_instructions</c> and
/// <c>gen_ai.output.messages</c>, each a JSON string following the conventions' message schemas (role, parts of type
/// <c>text</c>, <c>reasoning</c>, <c>tool_call</c>, <c>tool_call_response</c>, <c>uri</c>; finish_reason). Inline image
/// bytes are never copied: such a part records only its media type and size.
/// </summary>
internal static class GenAiContent
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Gets a chat's messages, in the order they were sent.</summary>
    public static string InputMessages(IReadOnlyList<ChatMessage> messages, int maxLength) => Write(
        (messages, maxLength),
        static (writer, state) =>
        {
            writer.WriteStartArray();
            foreach (var message in state.messages)
            {
                WriteMessage(writer, message, state.maxLength);
            }

            writer.WriteEndArray();
        });

    /// <summary>Gets a completion's prompt as one user message.</summary>
    public static string InputMessages(string prompt, int maxLength) => Write(
        (prompt, maxLength),
        static (writer, state) =>
        {
            writer.WriteStartArray();
            writer.WriteStartObject();
            writer.WriteString("role", ChatRole.User);
            writer.WriteStartArray("parts");
            WriteText(writer, "text", state.prompt, state.maxLength);
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndArray();
        });

    /// <summary>Gets a completion's system prompt as system instructions.</summary>
    public static string SystemInstructions(string systemPrompt, int maxLength) => Write(
        (systemPrompt, maxLength),
        static (writer, state) =>
        {
            writer.WriteStartArray();
            WriteText(writer, "text", state.systemPrompt, state.maxLength);
            writer.WriteEndArray();
        });

    /// <summary>Gets an answer as the one output message.</summary>
    public static string OutputMessages(string? content, string? reasoning, IReadOnlyList<ToolCall>? toolCalls, string? finishReason, int maxLength) => Write(
        (content, reasoning, toolCalls, finishReason, maxLength),
        static (writer, state) =>
        {
            writer.WriteStartArray();
            writer.WriteStartObject();
            writer.WriteString("role", ChatRole.Assistant);
            writer.WriteStartArray("parts");
            if (!string.IsNullOrEmpty(state.reasoning))
            {
                WriteText(writer, "reasoning", state.reasoning, state.maxLength);
            }

            if (!string.IsNullOrEmpty(state.content))
            {
                WriteText(writer, "text", state.content, state.maxLength);
            }

            WriteToolCalls(writer, state.toolCalls, state.maxLength);
            writer.WriteEndArray();

            // The conventions' finish reasons: stop, length, content_filter, tool_call, error.
            writer.WriteString("finish_reason", state.finishReason switch
            {
                null => "stop",
                FinishReasons.ToolCalls => "tool_call",
                _ => state.finishReason,
            });
            writer.WriteEndObject();
            writer.WriteEndArray();
        });

    private static void WriteMessage(Utf8JsonWriter writer, ChatMessage message, int maxLength)
    {
        writer.WriteStartObject();
        writer.WriteString("role", message.Role);
        writer.WriteStartArray("parts");
        if (message.Role == ChatRole.Tool)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "tool_call_response");
            if (message.ToolCallId is not null)
            {
                writer.WriteString("id", message.ToolCallId);
            }

            writer.WriteString("response", Cut(message.GetText(), maxLength));
            writer.WriteEndObject();
        }
        else
        {
            if (!string.IsNullOrEmpty(message.Reasoning))
            {
                WriteText(writer, "reasoning", message.Reasoning, maxLength);
            }

            foreach (var part in message.GetParts())
            {
                WritePart(writer, part, maxLength);
            }

            WriteToolCalls(writer, message.ToolCalls, maxLength);
        }

        writer.WriteEndArray();
        if (message.Name is not null)
        {
            writer.WriteString("name", message.Name);
        }

        writer.WriteEndObject();
    }

    private static void WritePart(Utf8JsonWriter writer, ContentPart part, int maxLength)
    {
        if (part.Kind == ContentPartKind.Text)
        {
            WriteText(writer, "text", part.Text ?? string.Empty, maxLength);
            return;
        }

        writer.WriteStartObject();
        if (part.Data is { } data)
        {
            writer.WriteString("type", "image");
            writer.WriteString("mime_type", part.MediaType ?? "application/octet-stream");
            writer.WriteNumber("size", data.Length);
        }
        else if (part.Url is { } url && url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            var end = url.IndexOfAny([';', ',']);
            writer.WriteString("type", "image");
            writer.WriteString("mime_type", end > 5 ? url[5..end] : "application/octet-stream");
            writer.WriteNumber("size", url.Length);
        }
        else
        {
            writer.WriteString("type", "uri");
            writer.WriteString("modality", "image");
            writer.WriteString("uri", part.Url ?? string.Empty);
        }

        writer.WriteEndObject();
    }

    private static void WriteToolCalls(Utf8JsonWriter writer, IReadOnlyList<ToolCall>? calls, int maxLength)
    {
        if (calls is null)
        {
            return;
        }

        foreach (var call in calls)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "tool_call");
            writer.WriteString("id", call.Id);
            writer.WriteString("name", call.Name);
            writer.WritePropertyName("arguments");
            if (IsJson(call.Arguments) && (maxLength == 0 || call.Arguments.Length <= maxLength))
            {
                writer.WriteRawValue(call.Arguments, skipInputValidation: true);
            }
            else
            {
                writer.WriteStringValue(Cut(call.Arguments, maxLength));
            }

            writer.WriteEndObject();
        }
    }

    private static void WriteText(Utf8JsonWriter writer, string type, string text, int maxLength)
    {
        writer.WriteStartObject();
        writer.WriteString("type", type);
        writer.WriteString("content", Cut(text, maxLength));
        writer.WriteEndObject();
    }

    private static string Cut(string text, int maxLength) =>
        maxLength > 0 && text.Length > maxLength ? string.Concat(text.AsSpan(0, maxLength), "…") : text;

    private static bool IsJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Write<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer, state);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
