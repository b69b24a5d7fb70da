using System.Text.Json;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Wasm.Abi;

/// <summary>
/// Reads what QueryMT's plugin exports return: chat responses, stream chunks (both generations of the end-of-stream
/// chunk), embeddings, model lists and completions. A shape that does not fit throws <see cref="FormatException"/>
/// naming what is wrong.
/// </summary>
internal static class QueryMtResults
{
    /// <summary>Reads <c>parse_chat_response</c>'s <c>{"text","tool_calls","thinking","usage","finish_reason"}</c>.</summary>
    public static LlmResponse Chat(ReadOnlyMemory<byte> output)
    {
        using var document = Parse(output, "parse_chat_response");
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("parse_chat_response did not return an object");
        }

        var response = new LlmResponse
        {
            Success = true,
            Content = String(root, "text") ?? string.Empty,
            Reasoning = String(root, "thinking"),
            FinishReason = FinishReason(String(root, "finish_reason")),
        };

        if (root.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array && calls.GetArrayLength() > 0)
        {
            response.ToolCalls = calls.EnumerateArray().Select(ToolCallFrom).ToList();
        }

        if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            var (input, outputTokens) = Usage(usage);
            response.PromptTokens = input;
            response.CompletionTokens = outputTokens;
            response.TotalTokens = input + outputTokens;
        }

        return response;
    }

    /// <summary>Reads the chunks a stream parser returned, in order.</summary>
    public static List<JsonElement> Chunks(ReadOnlyMemory<byte> output)
    {
        using var document = Parse(output, "chat_stream_parser");
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("the stream parser did not return a list of chunks");
        }

        return document.RootElement.EnumerateArray()
            .Select(item => item.ValueKind == JsonValueKind.Object && item.TryGetProperty("chunk", out var chunk) ? chunk.Clone() : throw new FormatException("a stream chunk has no \"chunk\""))
            .ToList();
    }

    /// <summary>Reads one chunk an in-plugin <c>chat_stream</c> yielded (<c>{"chunk","usage"}</c>; only the chunk counts, as in QueryMT).</summary>
    public static List<JsonElement> YieldedChunk(ReadOnlyMemory<byte> output)
    {
        using var document = Parse(output, "chat_stream");
        return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("chunk", out var chunk)
            ? new List<JsonElement> { chunk.Clone() }
            : throw new FormatException("a yielded chunk has no \"chunk\"");
    }

    /// <summary>Reads <c>[[float]]</c>.</summary>
    public static List<float[]> Embeddings(ReadOnlyMemory<byte> output)
    {
        try
        {
            var vectors = JsonSerializer.Deserialize(output.Span, WasmJsonContext.Default.ListListSingle) ?? throw new FormatException("parse_embed_response returned null");
            return vectors.Select(v => v.ToArray()).ToList();
        }
        catch (JsonException ex)
        {
            throw new FormatException($"parse_embed_response did not return a list of vectors ({ex.Message})");
        }
    }

    /// <summary>Reads <c>["model", …]</c>, or <see langword="null"/> for the JSON <c>null</c> (no static list).</summary>
    public static List<string>? Models(ReadOnlyMemory<byte> output, string export)
    {
        try
        {
            var text = output.Span.Trim(" \t\r\n"u8);
            return text.Length == 0 || text.SequenceEqual("null"u8) ? null : JsonSerializer.Deserialize(text, WasmJsonContext.Default.ListString);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{export} did not return a list of model names ({ex.Message})");
        }
    }

    /// <summary>Reads <c>{"text"}</c>.</summary>
    public static string Completion(ReadOnlyMemory<byte> output)
    {
        using var document = Parse(output, "parse_complete_response");
        return document.RootElement.ValueKind == JsonValueKind.Object ? String(document.RootElement, "text") ?? string.Empty : throw new FormatException("parse_complete_response did not return an object");
    }

    /// <summary>Reads a number a plugin returned (a parser id).</summary>
    public static long Number(ReadOnlyMemory<byte> output, string export)
    {
        using var document = Parse(output, export);
        return document.RootElement.ValueKind == JsonValueKind.Number && document.RootElement.TryGetInt64(out var value)
            ? value
            : throw new FormatException($"{export} did not return a number");
    }

    /// <summary>Reads a QueryMT <c>ToolCall</c>: <c>{"id","type":"function","function":{"name","arguments"}}</c>.</summary>
    public static ToolCall ToolCallFrom(JsonElement call)
    {
        var function = call.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object ? f : throw new FormatException("a tool call has no \"function\"");
        var arguments = function.TryGetProperty("arguments", out var a)
            ? a.ValueKind == JsonValueKind.String ? a.GetString()! : a.GetRawText()
            : "{}";
        return new ToolCall { Id = String(call, "id") ?? string.Empty, Name = String(function, "name") ?? string.Empty, Arguments = arguments };
    }

    /// <summary>Reads a QueryMT <c>Usage</c> (also accepting OpenAI-style names).</summary>
    public static (int Input, int Output) Usage(JsonElement usage) =>
        (Int(usage, "input_tokens") ?? Int(usage, "prompt_tokens") ?? 0, Int(usage, "output_tokens") ?? Int(usage, "completion_tokens") ?? 0);

    /// <summary>Maps QueryMT's finish reasons (<c>Stop</c>, <c>ToolCalls</c>…, or older free strings) to the library's.</summary>
    public static string? FinishReason(string? reason) => reason switch
    {
        null => null,
        "Stop" or "stop" or "end_turn" or "stop_sequence" => FinishReasons.Stop,
        "Length" or "length" or "max_tokens" => FinishReasons.Length,
        "ToolCalls" or "tool_calls" or "tool_use" => FinishReasons.ToolCalls,
        "ContentFilter" or "content_filter" => FinishReasons.ContentFilter,
        _ => reason.ToLowerInvariant(),
    };

    /// <summary>Reads a string property, or <see langword="null"/>.</summary>
    public static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Reads an integer property, or <see langword="null"/>.</summary>
    public static int? Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;

    private static JsonDocument Parse(ReadOnlyMemory<byte> output, string export)
    {
        try
        {
            return JsonDocument.Parse(output);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{export} did not return JSON ({ex.Message})");
        }
    }
}
