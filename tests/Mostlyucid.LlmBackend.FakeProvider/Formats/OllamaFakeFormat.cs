using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.FakeProvider.Brain;

namespace Mostlyucid.LlmBackend.FakeProvider.Formats;

/// <summary>
/// Ollama's native API: <c>POST /api/chat</c> (one JSON object, or, by default when <c>stream</c> is absent, newline-delimited
/// JSON ending in a <c>done: true</c> line with the reason, counts and durations), <c>POST /api/embed</c>,
/// <c>GET /api/tags</c>, <c>GET /api/version</c>, bearer keys (Ollama behind an auth proxy, or its hosted service) and
/// <c>{"error": "…"}</c> bodies. Tool calls come without ids, as documented; a tool message's call is its
/// <c>tool_call_id</c>. Images are base64 without a media type, so their type is sniffed from their first bytes.
/// </summary>
public sealed class OllamaFakeFormat : IFakeProviderFormat
{
    private const string CreatedAt = "2024-07-22T20:33:28.123648Z";

    public string Name => "ollama";

    public bool Handles(HttpRequest request) => request.Path.StartsWithSegments("/api", StringComparison.Ordinal);

    public string? ApiKeyOf(HttpRequest request) =>
        request.Headers.Authorization.ToString() is { Length: > 7 } header && header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : null;

    public async Task<bool> HandleAsync(HttpContext context, FakeProviderServer server)
    {
        switch (context.Request.Method, context.Request.Path.Value)
        {
            case ("GET", "/api/tags"):
                await WriteTagsAsync(context, server).ConfigureAwait(false);
                return true;
            case ("GET", "/api/version"):
                await FakeHttp.WriteJsonAsync(context, 200, new JsonObject { ["version"] = "0.12.6" }).ConfigureAwait(false);
                return true;
            case ("POST", "/api/chat"):
                await ChatAsync(context, server).ConfigureAwait(false);
                return true;
            case ("POST", "/api/embed"):
                await EmbedAsync(context, server).ConfigureAwait(false);
                return true;
            default:
                return false;
        }
    }

    public Task WriteFailureAsync(HttpContext context, FakeFailure failure) => WriteFailureAsync(context, failure, model: null);

    /// <summary>
    /// Describes base64 image bytes the way the brain echoes them, "bytes:&lt;media type&gt;:&lt;byte count&gt;", sniffing
    /// the type from PNG, JPEG, GIF and WebP signatures (Ollama's images carry none); other bytes are "image/unknown".
    /// </summary>
    public static string DescribeImage(byte[] bytes) => $"bytes:{Sniff(bytes)}:{bytes.Length}";

    private static string Sniff(byte[] b) =>
        b is [0x89, 0x50, 0x4E, 0x47, ..] ? "image/png"
        : b is [0xFF, 0xD8, 0xFF, ..] ? "image/jpeg"
        : b is [0x47, 0x49, 0x46, 0x38, ..] ? "image/gif"
        : b is [0x52, 0x49, 0x46, 0x46, _, _, _, _, 0x57, 0x45, 0x42, 0x50, ..] ? "image/webp"
        : "image/unknown";

    private static JsonObject Error(string message) => new() { ["error"] = message };

    /// <summary>
    /// Writes a failure as Ollama does: <c>{"error": "…"}</c> with the status. Unknown models get Ollama's own 404 text.
    /// Ollama has no error codes, so the text is what a client can classify: a context overflow uses Ollama's message
    /// ("the input length exceeds the context length", which names the context length), and a content-policy refusal
    /// (Ollama itself never filters; a moderating proxy or hosted service in front of it does) keeps the brain's text,
    /// which names the content policy.
    /// </summary>
    private static Task WriteFailureAsync(HttpContext context, FakeFailure failure, string? model)
    {
        if (failure.Kind == FakeFailureKind.GarbageBody)
        {
            return FakeHttp.WriteGarbageAsync(context, failure.Message);
        }

        if (failure.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        var message = failure.Kind switch
        {
            FakeFailureKind.Unauthorized => "unauthorized",
            FakeFailureKind.ModelNotFound when model is not null => $"model \"{model}\" not found, try pulling it first",
            FakeFailureKind.ContextLengthExceeded => "the input length exceeds the context length",
            _ => failure.Message,
        };
        return FakeHttp.WriteJsonAsync(context, failure.Status, Error(message));
    }

    private static Task WriteTagsAsync(HttpContext context, FakeProviderServer server) => FakeHttp.WriteJsonAsync(context, 200, new JsonObject
    {
        ["models"] = new JsonArray(server.Options.Models.Select(m => (JsonNode)new JsonObject
        {
            ["name"] = m,
            ["model"] = m,
            ["modified_at"] = "2024-11-04T14:56:49.277302595-07:00",
            ["size"] = 3_825_819_519L,
            ["digest"] = "fe938a131f40e6f6d40083c9f0f430a515233eb2edaa6d72eb85c50d64f2300e",
            ["details"] = new JsonObject
            {
                ["parent_model"] = string.Empty,
                ["format"] = "gguf",
                ["family"] = "llama",
                ["families"] = new JsonArray("llama"),
                ["parameter_size"] = "8.0B",
                ["quantization_level"] = "Q4_K_M",
            },
        }).ToArray()),
    });

    private async Task ChatAsync(HttpContext context, FakeProviderServer server)
    {
        var body = await FakeHttp.ReadJsonAsync(context).ConfigureAwait(false);
        if (body is not JsonObject)
        {
            await FakeHttp.WriteJsonAsync(context, 400, Error("invalid character 'x' looking for beginning of value")).ConfigureAwait(false);
            return;
        }

        var model = FakeHttp.Text(body, "model");
        if (string.IsNullOrEmpty(model))
        {
            await FakeHttp.WriteJsonAsync(context, 400, Error("model is required")).ConfigureAwait(false);
            return;
        }

        var conversation = new FakeConversation
        {
            Format = Name,
            Model = model,
            Body = body,
            Stream = body["stream"] is not JsonValue stream || !stream.TryGetValue<bool>(out var streamed) || streamed,
            MaxTokens = FakeHttp.Number(body["options"], "num_predict"),
        };
        foreach (var message in (body["messages"] as JsonArray) ?? new JsonArray())
        {
            if (ReadMessage(message, conversation) is { } problem)
            {
                await FakeHttp.WriteJsonAsync(context, 400, Error(problem)).ConfigureAwait(false);
                return;
            }
        }

        foreach (var tool in (body["tools"] as JsonArray) ?? new JsonArray())
        {
            var function = tool?["function"];
            conversation.Tools.Add(new FakeTool(FakeHttp.Text(function, "name") ?? string.Empty, FakeHttp.Text(function, "description"), function?["parameters"]?.DeepClone()));
        }

        var (answer, failure) = await server.AnswerAsync(context, conversation).ConfigureAwait(false);
        if (failure is not null)
        {
            await WriteFailureAsync(context, failure, model).ConfigureAwait(false);
            return;
        }

        if (conversation.Stream)
        {
            await StreamAsync(context, answer!).ConfigureAwait(false);
        }
        else
        {
            await FakeHttp.WriteJsonAsync(context, 200, Final(answer!, Message(answer!.Text, answer.Reasoning, answer.ToolCalls))).ConfigureAwait(false);
        }
    }

    /// <summary>Reads one message into the conversation; returns Ollama's error text when it cannot be read.</summary>
    private static string? ReadMessage(JsonNode? message, FakeConversation conversation)
    {
        var role = FakeHttp.Text(message, "role") ?? "user";
        var text = FakeHttp.Text(message, "content") ?? string.Empty;
        if (role == "system")
        {
            conversation.System = conversation.System is null ? text : conversation.System + "\n" + text;
            return null;
        }

        var read = new FakeMessage { Role = role, Text = text, ToolCallId = role == "tool" ? FakeHttp.Text(message, "tool_call_id") : null };
        foreach (var image in (message?["images"] as JsonArray) ?? new JsonArray())
        {
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(image?.GetValue<string>() ?? string.Empty);
            }
            catch (FormatException)
            {
                return "illegal base64 data at input byte 0";
            }

            read.Images.Add(DescribeImage(bytes));
        }

        foreach (var call in (message?["tool_calls"] as JsonArray) ?? new JsonArray())
        {
            var arguments = call?["function"]?["arguments"] switch
            {
                JsonValue value when value.TryGetValue<string>(out var textArguments) => textArguments,
                JsonNode node => node.ToJsonString(),
                null => "{}",
            };
            read.ToolCalls.Add(new FakeToolCall(FakeHttp.Text(call, "id") ?? string.Empty, FakeHttp.Text(call?["function"], "name") ?? string.Empty, arguments));
        }

        conversation.Messages.Add(read);
        return null;
    }

    private static JsonObject Message(string content, string? thinking, IReadOnlyList<FakeToolCall> calls)
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = content };
        if (thinking is not null)
        {
            message["thinking"] = thinking;
        }

        if (calls.Count > 0)
        {
            message["tool_calls"] = new JsonArray(calls.Select(c => (JsonNode)new JsonObject
            {
                ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = JsonNode.Parse(c.ArgumentsJson) },
            }).ToArray());
        }

        return message;
    }

    private static JsonObject Line(FakeAnswer answer, JsonObject message) => new()
    {
        ["model"] = answer.Model,
        ["created_at"] = CreatedAt,
        ["message"] = message,
        ["done"] = false,
    };

    /// <summary>The final object: the whole answer when not streamed, an empty message when it ends a stream. Tool calls end with "stop", as Ollama says.</summary>
    private static JsonObject Final(FakeAnswer answer, JsonObject message) => new()
    {
        ["model"] = answer.Model,
        ["created_at"] = CreatedAt,
        ["message"] = message,
        ["done_reason"] = answer.FinishReason == "length" ? "length" : "stop",
        ["done"] = true,
        ["total_duration"] = 885_095_291L,
        ["load_duration"] = 3_753_500L,
        ["prompt_eval_count"] = answer.PromptTokens,
        ["prompt_eval_duration"] = 328_493_000L,
        ["eval_count"] = answer.CompletionTokens,
        ["eval_duration"] = 552_222_000L,
    };

    private static async Task StreamAsync(HttpContext context, FakeAnswer answer)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/x-ndjson";
        await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        if (answer.Reasoning is not null)
        {
            await FakeHttp.WriteLineAsync(context, Line(answer, Message(string.Empty, answer.Reasoning, Array.Empty<FakeToolCall>()))).ConfigureAwait(false);
        }

        foreach (var piece in answer.TextChunks)
        {
            await FakeHttp.WriteLineAsync(context, Line(answer, Message(piece, null, Array.Empty<FakeToolCall>()))).ConfigureAwait(false);
        }

        if (answer.ToolCalls.Count > 0)
        {
            await FakeHttp.WriteLineAsync(context, Line(answer, Message(string.Empty, null, answer.ToolCalls))).ConfigureAwait(false);
        }

        await FakeHttp.WriteLineAsync(context, Final(answer, Message(string.Empty, null, Array.Empty<FakeToolCall>()))).ConfigureAwait(false);
    }

    private async Task EmbedAsync(HttpContext context, FakeProviderServer server)
    {
        var body = await FakeHttp.ReadJsonAsync(context).ConfigureAwait(false);
        var model = FakeHttp.Text(body, "model");
        if (string.IsNullOrEmpty(model))
        {
            await FakeHttp.WriteJsonAsync(context, 400, Error("model is required")).ConfigureAwait(false);
            return;
        }

        if (FakeBrain.FailureFor(model, server.Options) is { } failure)
        {
            await WriteFailureAsync(context, failure, model).ConfigureAwait(false);
            return;
        }

        var inputs = body?["input"] switch
        {
            JsonArray array => array.Select(i => i?.GetValue<string>() ?? string.Empty).ToList(),
            JsonValue value when value.TryGetValue<string>(out var single) => new List<string> { single },
            _ => null,
        };
        if (inputs is null)
        {
            await FakeHttp.WriteJsonAsync(context, 400, Error("invalid input type")).ConfigureAwait(false);
            return;
        }

        var dimensions = FakeHttp.Number(body, "dimensions") ?? server.Options.EmbeddingDimensions;
        server.RecordEmbedding(Name, model, inputs);
        await FakeHttp.WriteJsonAsync(context, 200, new JsonObject
        {
            ["model"] = model,
            ["embeddings"] = new JsonArray(inputs.Select(text => (JsonNode)new JsonArray(FakeBrain.Embed(text, dimensions).Select(v => (JsonNode)v).ToArray())).ToArray()),
            ["total_duration"] = 14_143_917L,
            ["load_duration"] = 1_019_500L,
            ["prompt_eval_count"] = inputs.Sum(FakeBrain.Words),
        }).ConfigureAwait(false);
    }
}
