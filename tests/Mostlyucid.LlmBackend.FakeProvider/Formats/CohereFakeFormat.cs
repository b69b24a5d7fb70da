using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.FakeProvider.Brain;

namespace Mostlyucid.LlmBackend.FakeProvider.Formats;

/// <summary>
/// Cohere's API: <c>POST /v2/chat</c> (JSON, or typed server-sent events from <c>message-start</c> to <c>message-end</c>),
/// <c>POST /v2/embed</c> (float embeddings by type), <c>GET /v1/models</c> (paged with <c>page_token</c>), bearer keys and
/// <c>{"id": …, "message": …}</c> error bodies. <c>/v1/models</c> is also OpenAI's path, so servers that must answer it in
/// Cohere's shape are pinned to this format with <see cref="FakeProviderOptions.Format"/>.
/// </summary>
public sealed class CohereFakeFormat : IFakeProviderFormat
{
    /// <summary>
    /// The wording sent for a content-filtered request. Cohere's error reference lists no message for a request its safety
    /// checks refuse; an earlier revision of that page described such requests as "blocked due to potential violations of
    /// the Usage Guidelines". The fake sends that description as a 400 body, and clients recognise "blocked … usage
    /// guidelines" as content filtering.
    /// </summary>
    private const string ContentBlockedMessage = "blocked input: the request was blocked due to potential violations of the Usage Guidelines, please adjust your prompt and try again.";

    /// <summary>Cohere's documented wording for a prompt longer than the context window (a 400).</summary>
    private const string TooManyTokensMessage = "too many tokens: size limit exceeded by 808 tokens. Try using shorter or fewer inputs, or setting prompt_truncation='AUTO'.";

    /// <summary>Models per page of <c>GET /v1/models</c> when the request does not set <c>page_size</c>: one, so clients must follow <c>next_page_token</c>.</summary>
    private const int DefaultPageSize = 1;

    public string Name => "cohere";

    public bool Handles(HttpRequest request) => request.Path.Value is "/v2/chat" or "/v2/embed" or "/v1/models";

    public string? ApiKeyOf(HttpRequest request) =>
        request.Headers.Authorization.ToString() is { Length: > 7 } header && header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : null;

    public async Task<bool> HandleAsync(HttpContext context, FakeProviderServer server)
    {
        switch (context.Request.Method, context.Request.Path.Value)
        {
            case ("GET", "/v1/models"):
                await WriteModelsAsync(context, server).ConfigureAwait(false);
                return true;
            case ("POST", "/v2/chat"):
                await ChatAsync(context, server).ConfigureAwait(false);
                return true;
            case ("POST", "/v2/embed"):
                await EmbedAsync(context, server).ConfigureAwait(false);
                return true;
            default:
                return false;
        }
    }

    public Task WriteFailureAsync(HttpContext context, FakeFailure failure)
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
            FakeFailureKind.Unauthorized => "invalid api token",
            FakeFailureKind.RateLimited => "You are past the per minute request limit, please wait and try again later.",
            FakeFailureKind.ContextLengthExceeded => TooManyTokensMessage,
            FakeFailureKind.ContentFiltered => ContentBlockedMessage,
            _ => failure.Message,
        };
        return WriteErrorAsync(context, failure.Status, message);
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string message) =>
        FakeHttp.WriteJsonAsync(context, status, new JsonObject { ["id"] = Guid.NewGuid().ToString(), ["message"] = message });

    private static async Task WriteModelsAsync(HttpContext context, FakeProviderServer server)
    {
        var query = context.Request.Query;
        var start = int.TryParse(query["page_token"], NumberStyles.None, CultureInfo.InvariantCulture, out var token) ? token : 0;
        var size = int.TryParse(query["page_size"], NumberStyles.None, CultureInfo.InvariantCulture, out var requested) && requested > 0 ? requested : DefaultPageSize;
        var models = server.Options.Models;
        var page = models.Skip(start).Take(size).Select(m => (JsonNode)new JsonObject
        {
            ["name"] = m,
            ["endpoints"] = new JsonArray("chat", "embed"),
            ["finetuned"] = false,
            ["context_length"] = 128000,
            ["tokenizer_url"] = "https://storage.googleapis.com/cohere-public/tokenizers/" + m + ".json",
            ["default_endpoints"] = new JsonArray(),
            ["features"] = new JsonArray("tools", "json_mode"),
        }).ToArray();
        var body = new JsonObject { ["models"] = new JsonArray(page) };
        if (start + size < models.Count)
        {
            body["next_page_token"] = (start + size).ToString(CultureInfo.InvariantCulture);
        }

        await FakeHttp.WriteJsonAsync(context, 200, body).ConfigureAwait(false);
    }

    private async Task ChatAsync(HttpContext context, FakeProviderServer server)
    {
        var body = await FakeHttp.ReadJsonAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            await WriteErrorAsync(context, 400, "invalid request: the body is not valid JSON.").ConfigureAwait(false);
            return;
        }

        var model = FakeHttp.Text(body, "model");
        if (string.IsNullOrEmpty(model))
        {
            await WriteErrorAsync(context, 400, "a model parameter is required for this endpoint.").ConfigureAwait(false);
            return;
        }

        if (body["messages"] is not JsonArray { Count: > 0 } messages)
        {
            await WriteErrorAsync(context, 400, "invalid request: messages must not be empty.").ConfigureAwait(false);
            return;
        }

        var conversation = new FakeConversation
        {
            Format = Name,
            Model = model,
            Body = body,
            Stream = body["stream"] is JsonValue stream && stream.TryGetValue<bool>(out var streamed) && streamed,
            MaxTokens = FakeHttp.Number(body, "max_tokens"),
            ToolsForbidden = FakeHttp.Text(body, "tool_choice") == "NONE",
        };
        foreach (var message in messages)
        {
            if (ReadMessage(message, conversation) is { } problem)
            {
                await WriteErrorAsync(context, 400, problem).ConfigureAwait(false);
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
            await WriteFailureAsync(context, failure).ConfigureAwait(false);
            return;
        }

        if (conversation.Stream)
        {
            await StreamAsync(context, answer!).ConfigureAwait(false);
        }
        else
        {
            await FakeHttp.WriteJsonAsync(context, 200, Completion(answer!)).ConfigureAwait(false);
        }
    }

    /// <summary>Reads one message into the conversation; returns the 400 message Cohere would send for a malformed one.</summary>
    private static string? ReadMessage(JsonNode? message, FakeConversation conversation)
    {
        var role = FakeHttp.Text(message, "role");
        if (role is not ("system" or "user" or "assistant" or "tool"))
        {
            return $"invalid request: role must be one of system, user, assistant or tool, not '{role}'.";
        }

        var read = new FakeMessage { Role = role, ToolCallId = FakeHttp.Text(message, "tool_call_id") };
        if (role == "tool" && string.IsNullOrEmpty(read.ToolCallId))
        {
            return "tool call id must be provided with tool message";
        }

        var text = string.Empty;
        switch (message?["content"])
        {
            case JsonValue value when value.TryGetValue<string>(out var plain):
                text = plain;
                break;
            case JsonArray parts:
                foreach (var part in parts)
                {
                    switch (FakeHttp.Text(part, "type"))
                    {
                        case "text":
                            text += FakeHttp.Text(part, "text");
                            break;
                        case "image_url":
                            read.Images.Add(OpenAiFakeFormat.DescribeImageUrl(FakeHttp.Text(part?["image_url"], "url") ?? string.Empty));
                            break;
                        case "document":
                            text += part?["document"]?["data"] switch
                            {
                                JsonValue data when data.TryGetValue<string>(out var document) => document,
                                { } data => data.ToJsonString(),
                                null => string.Empty,
                            };
                            break;
                    }
                }

                break;
        }

        read.Text = text;
        foreach (var call in (message?["tool_calls"] as JsonArray) ?? new JsonArray())
        {
            read.ToolCalls.Add(new FakeToolCall(FakeHttp.Text(call, "id") ?? string.Empty, FakeHttp.Text(call?["function"], "name") ?? string.Empty, FakeHttp.Text(call?["function"], "arguments") ?? "{}"));
        }

        if (role == "system")
        {
            conversation.System = conversation.System is null ? text : conversation.System + "\n" + text;
            return null;
        }

        conversation.Messages.Add(read);
        return null;
    }

    private static string FinishReason(FakeAnswer answer) => answer.FinishReason switch
    {
        "length" => "MAX_TOKENS",
        "tool_calls" => "TOOL_CALL",
        _ => "COMPLETE",
    };

    /// <summary>The plan Cohere's models state before calling tools (sent as <c>tool_plan</c>).</summary>
    private static string ToolPlan(FakeAnswer answer) => "I will call " + string.Join(" and ", answer.ToolCalls.Select(c => c.Name)) + ".";

    private static JsonObject Usage(FakeAnswer answer) => new()
    {
        ["billed_units"] = new JsonObject { ["input_tokens"] = answer.PromptTokens, ["output_tokens"] = answer.CompletionTokens },
        ["tokens"] = new JsonObject { ["input_tokens"] = answer.PromptTokens, ["output_tokens"] = answer.CompletionTokens },
    };

    private static JsonObject ToolCall(FakeToolCall call, string arguments) => new()
    {
        ["id"] = call.Id,
        ["type"] = "function",
        ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = arguments },
    };

    private static JsonObject Completion(FakeAnswer answer)
    {
        var content = new JsonArray();
        if (answer.Reasoning is not null)
        {
            content.Add(new JsonObject { ["type"] = "thinking", ["thinking"] = answer.Reasoning });
        }

        if (answer.Text.Length > 0 || answer.ToolCalls.Count == 0)
        {
            content.Add(new JsonObject { ["type"] = "text", ["text"] = answer.Text });
        }

        var message = new JsonObject { ["role"] = "assistant" };
        if (content.Count > 0)
        {
            message["content"] = content;
        }

        if (answer.ToolCalls.Count > 0)
        {
            message["tool_plan"] = ToolPlan(answer);
            message["tool_calls"] = new JsonArray(answer.ToolCalls.Select(c => (JsonNode)ToolCall(c, c.ArgumentsJson)).ToArray());
        }

        return new JsonObject
        {
            ["id"] = answer.Id,
            ["message"] = message,
            ["finish_reason"] = FinishReason(answer),
            ["usage"] = Usage(answer),
        };
    }

    private static async Task StreamAsync(HttpContext context, FakeAnswer answer)
    {
        Task Send(string type, JsonObject data)
        {
            data["type"] = type;
            return FakeHttp.WriteEventAsync(context, type, data.ToJsonString());
        }

        static JsonObject Delta(JsonObject message) => new() { ["message"] = message };

        await FakeHttp.StartEventStreamAsync(context).ConfigureAwait(false);
        await Send("message-start", new JsonObject
        {
            ["id"] = answer.Id,
            ["delta"] = Delta(new JsonObject { ["role"] = "assistant", ["content"] = new JsonArray(), ["tool_plan"] = string.Empty, ["tool_calls"] = new JsonArray(), ["citations"] = new JsonArray() }),
        }).ConfigureAwait(false);

        var index = 0;
        if (answer.Reasoning is not null)
        {
            await Send("content-start", new JsonObject { ["index"] = index, ["delta"] = Delta(new JsonObject { ["content"] = new JsonObject { ["type"] = "thinking", ["thinking"] = string.Empty } }) }).ConfigureAwait(false);
            await Send("content-delta", new JsonObject { ["index"] = index, ["delta"] = Delta(new JsonObject { ["content"] = new JsonObject { ["thinking"] = answer.Reasoning } }) }).ConfigureAwait(false);
            await Send("content-end", new JsonObject { ["index"] = index }).ConfigureAwait(false);
            index++;
        }

        if (answer.ToolCalls.Count > 0)
        {
            var words = ToolPlan(answer).Split(' ');
            for (var w = 0; w < words.Length; w++)
            {
                await Send("tool-plan-delta", new JsonObject { ["delta"] = Delta(new JsonObject { ["tool_plan"] = w == 0 ? words[w] : " " + words[w] }) }).ConfigureAwait(false);
            }

            for (var i = 0; i < answer.ToolCalls.Count; i++)
            {
                var call = answer.ToolCalls[i];
                await Send("tool-call-start", new JsonObject { ["index"] = i, ["delta"] = Delta(new JsonObject { ["tool_calls"] = ToolCall(call, string.Empty) }) }).ConfigureAwait(false);
                foreach (var fragment in FakeAnswer.SplitArguments(call.ArgumentsJson))
                {
                    await Send("tool-call-delta", new JsonObject
                    {
                        ["index"] = i,
                        ["delta"] = Delta(new JsonObject { ["tool_calls"] = new JsonObject { ["function"] = new JsonObject { ["arguments"] = fragment } } }),
                    }).ConfigureAwait(false);
                }

                await Send("tool-call-end", new JsonObject { ["index"] = i }).ConfigureAwait(false);
            }
        }

        if (answer.Text.Length > 0 || answer.ToolCalls.Count == 0)
        {
            await Send("content-start", new JsonObject { ["index"] = index, ["delta"] = Delta(new JsonObject { ["content"] = new JsonObject { ["type"] = "text", ["text"] = string.Empty } }) }).ConfigureAwait(false);
            foreach (var piece in answer.TextChunks)
            {
                await Send("content-delta", new JsonObject { ["index"] = index, ["delta"] = Delta(new JsonObject { ["content"] = new JsonObject { ["text"] = piece } }) }).ConfigureAwait(false);
            }

            await Send("content-end", new JsonObject { ["index"] = index }).ConfigureAwait(false);
        }

        await Send("message-end", new JsonObject { ["delta"] = new JsonObject { ["finish_reason"] = FinishReason(answer), ["usage"] = Usage(answer) } }).ConfigureAwait(false);
    }

    private async Task EmbedAsync(HttpContext context, FakeProviderServer server)
    {
        var body = await FakeHttp.ReadJsonAsync(context).ConfigureAwait(false);
        var model = FakeHttp.Text(body, "model");
        if (string.IsNullOrEmpty(model))
        {
            await WriteErrorAsync(context, 400, "a model parameter is required for this endpoint.").ConfigureAwait(false);
            return;
        }

        if (FakeBrain.FailureFor(model, server.Options) is { } failure)
        {
            await WriteFailureAsync(context, failure).ConfigureAwait(false);
            return;
        }

        if (body?["texts"] is not JsonArray { Count: > 0 } texts)
        {
            await WriteErrorAsync(context, 400, "invalid request: texts must be a non-empty array of strings.").ConfigureAwait(false);
            return;
        }

        if (string.IsNullOrEmpty(FakeHttp.Text(body, "input_type")))
        {
            await WriteErrorAsync(context, 400, "invalid request: valid input_type must be provided with the provided model").ConfigureAwait(false);
            return;
        }

        if (body["embedding_types"] is not JsonArray types || !types.Any(t => t?.GetValue<string>() == "float"))
        {
            await WriteErrorAsync(context, 400, "invalid request: embedding_types must include \"float\" (the only type this fake returns).").ConfigureAwait(false);
            return;
        }

        var inputs = texts.Select(t => t?.GetValue<string>() ?? string.Empty).ToList();
        var dimensions = FakeHttp.Number(body, "output_dimension") ?? server.Options.EmbeddingDimensions;
        server.RecordEmbedding(Name, model, inputs);
        await FakeHttp.WriteJsonAsync(context, 200, new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["embeddings"] = new JsonObject
            {
                ["float"] = new JsonArray(inputs.Select(text => (JsonNode)new JsonArray(FakeBrain.Embed(text, dimensions).Select(v => (JsonNode)v).ToArray())).ToArray()),
            },
            ["texts"] = new JsonArray(inputs.Select(t => (JsonNode)t).ToArray()),
            ["meta"] = new JsonObject
            {
                ["api_version"] = new JsonObject { ["version"] = "2" },
                ["billed_units"] = new JsonObject { ["input_tokens"] = inputs.Sum(FakeBrain.Words) },
            },
            ["response_type"] = "embeddings_by_type",
        }).ConfigureAwait(false);
    }
}
