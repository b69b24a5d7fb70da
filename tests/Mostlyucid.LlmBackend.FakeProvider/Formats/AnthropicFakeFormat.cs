using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.FakeProvider.Brain;

namespace Mostlyucid.LlmBackend.FakeProvider.Formats;

/// <summary>
/// Anthropic's Messages API: <c>POST /v1/messages</c> (a <c>message</c> object, or named server-sent events from
/// <c>message_start</c> to <c>message_stop</c> with a <c>ping</c>), <c>GET /v1/models</c> (told apart from OpenAI's by the
/// <c>anthropic-version</c> header), the key in <c>x-api-key</c> (or <c>Authorization: Bearer</c>, as newer SDKs send it)
/// and <c>{"type":"error","error":{…}}</c> bodies with Anthropic's statuses. Requests without <c>anthropic-version</c> or
/// <c>max_tokens</c> are rejected as the real API does, and so are top-level fields the Messages API does not have
/// ("Extra inputs are not permitted"). <c>POST /v1/messages/count_tokens</c> counts words (the brain's token unit) plus
/// one per tool.
/// </summary>
public sealed class AnthropicFakeFormat : IFakeProviderFormat
{
    private const string Signature = "fake-signature";

    public string Name => "anthropic";

    public bool Handles(HttpRequest request) =>
        request.Path.Equals("/v1/messages", StringComparison.Ordinal)
        || request.Path.Equals("/v1/messages/count_tokens", StringComparison.Ordinal)
        || (request.Path.Equals("/v1/models", StringComparison.Ordinal) && request.Headers.ContainsKey("anthropic-version"));

    public string? ApiKeyOf(HttpRequest request)
    {
        if (request.Headers["x-api-key"].ToString() is { Length: > 0 } key)
        {
            return key;
        }

        return request.Headers.Authorization.ToString() is { Length: > 7 } header && header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : null;
    }

    public async Task<bool> HandleAsync(HttpContext context, FakeProviderServer server)
    {
        if (!context.Request.Headers.ContainsKey("anthropic-version"))
        {
            await FakeHttp.WriteJsonAsync(context, 400, ErrorBody("invalid_request_error", "anthropic-version: header is required")).ConfigureAwait(false);
            return true;
        }

        switch (context.Request.Method, context.Request.Path.Value)
        {
            case ("GET", "/v1/models"):
                await WriteModelsAsync(context, server).ConfigureAwait(false);
                return true;
            case ("POST", "/v1/messages"):
                await MessagesAsync(context, server).ConfigureAwait(false);
                return true;
            case ("POST", "/v1/messages/count_tokens"):
                await CountTokensAsync(context, server).ConfigureAwait(false);
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

        var (type, message) = failure.Kind switch
        {
            FakeFailureKind.Unauthorized => ("authentication_error", "invalid x-api-key"),
            FakeFailureKind.ModelNotFound => ("not_found_error", failure.Message),
            FakeFailureKind.RateLimited => ("rate_limit_error", failure.Message),

            // Anthropic's own wording for an over-long prompt, whatever the brain says.
            FakeFailureKind.ContextLengthExceeded => ("invalid_request_error", "prompt is too long: 9000 tokens > 8192 maximum"),

            // Anthropic has no error type for policy blocks: a 400 invalid_request_error names the policy in its message.
            FakeFailureKind.ContentFiltered => ("invalid_request_error", "Output blocked by content filtering policy"),
            FakeFailureKind.ServerError => (failure.Status == 529 ? "overloaded_error" : "api_error", failure.Message),
            _ => (failure.Status switch
            {
                403 => "permission_error",
                404 => "not_found_error",
                413 => "request_too_large",
                _ => "invalid_request_error",
            }, failure.Message),
        };
        return FakeHttp.WriteJsonAsync(context, failure.Status, ErrorBody(type, message));
    }

    private static JsonObject ErrorBody(string type, string message) => new()
    {
        ["type"] = "error",
        ["error"] = new JsonObject { ["type"] = type, ["message"] = message },
        ["request_id"] = "req_fake",
    };

    private static Task WriteModelsAsync(HttpContext context, FakeProviderServer server)
    {
        var models = server.Options.Models.ToList();
        if (context.Request.Query["after_id"].ToString() is { Length: > 0 } after)
        {
            models = models.SkipWhile(m => m != after).Skip(1).ToList();
        }

        var limit = int.TryParse(context.Request.Query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var asked) && asked is > 0 and <= 1000 ? asked : 20;
        var page = models.Take(limit).ToList();
        return FakeHttp.WriteJsonAsync(context, 200, new JsonObject
        {
            ["data"] = new JsonArray(page.Select(m => (JsonNode)new JsonObject
            {
                ["type"] = "model",
                ["id"] = m,
                ["display_name"] = "Fake " + m,
                ["created_at"] = "2025-02-19T00:00:00Z",
            }).ToArray()),
            ["has_more"] = models.Count > page.Count,
            ["first_id"] = page.FirstOrDefault(),
            ["last_id"] = page.LastOrDefault(),
        });
    }

    /// <summary>The top-level fields of Anthropic's Messages API; the real API rejects any other.</summary>
    private static readonly HashSet<string> MessagesFields = new(StringComparer.Ordinal)
    {
        "model", "max_tokens", "messages", "system", "metadata", "stop_sequences", "stream", "temperature", "top_k", "top_p",
        "tools", "tool_choice", "thinking", "service_tier", "container", "mcp_servers", "context_management", "cache_control",
        "output_config", "inference_geo", "speed", "diagnostics",
    };

    private static string? ExtraField(JsonNode? body, params string[] notAllowed) =>
        body is JsonObject root ? root.Select(p => p.Key).FirstOrDefault(k => !MessagesFields.Contains(k) || notAllowed.Contains(k)) : null;

    private async Task CountTokensAsync(HttpContext context, FakeProviderServer server)
    {
        var body = await FakeHttp.ReadJsonAsync(context).ConfigureAwait(false);
        var problem = body switch
        {
            null => "There was an error parsing the body of your request: it is not valid JSON.",
            _ when string.IsNullOrEmpty(FakeHttp.Text(body, "model")) => "model: Field required",
            _ when body["messages"] is not JsonArray => "messages: Field required",
            _ when ExtraField(body, "max_tokens", "stream", "temperature", "top_k", "top_p", "stop_sequences", "metadata", "service_tier") is { } extra => $"{extra}: Extra inputs are not permitted",
            _ => null,
        };
        if (problem is not null)
        {
            await FakeHttp.WriteJsonAsync(context, 400, ErrorBody("invalid_request_error", problem)).ConfigureAwait(false);
            return;
        }

        if (FakeBrain.FailureFor(FakeHttp.Text(body, "model")!, server.Options) is { } failure)
        {
            await WriteFailureAsync(context, failure).ConfigureAwait(false);
            return;
        }

        var conversation = new FakeConversation { Format = Name, Model = FakeHttp.Text(body, "model")!, Body = body, System = body!["system"] is { } system ? TextOf(system) : null };
        foreach (var message in (JsonArray)body["messages"]!)
        {
            ReadMessage(message, conversation);
        }

        var tokens = FakeBrain.Words(conversation.System) + conversation.Messages.Sum(m => FakeBrain.Words(m.Text)) + ((body["tools"] as JsonArray)?.Count ?? 0);
        await FakeHttp.WriteJsonAsync(context, 200, new JsonObject { ["input_tokens"] = tokens }).ConfigureAwait(false);
    }

    private async Task MessagesAsync(HttpContext context, FakeProviderServer server)
    {
        var body = await FakeHttp.ReadJsonAsync(context).ConfigureAwait(false);
        var problem = body switch
        {
            null => "There was an error parsing the body of your request: it is not valid JSON.",
            _ when ExtraField(body) is { } extra => $"{extra}: Extra inputs are not permitted",
            _ when string.IsNullOrEmpty(FakeHttp.Text(body, "model")) => "model: Field required",
            _ when FakeHttp.Number(body, "max_tokens") is null => "max_tokens: Field required",
            _ when body["messages"] is not JsonArray => "messages: Field required",
            _ => null,
        };
        if (problem is not null)
        {
            await FakeHttp.WriteJsonAsync(context, 400, ErrorBody("invalid_request_error", problem)).ConfigureAwait(false);
            return;
        }

        var conversation = new FakeConversation
        {
            Format = Name,
            Model = FakeHttp.Text(body, "model")!,
            Body = body,
            System = body!["system"] is { } system ? TextOf(system) : null,
            Stream = body["stream"] is JsonValue stream && stream.TryGetValue<bool>(out var streamed) && streamed,
            MaxTokens = FakeHttp.Number(body, "max_tokens"),
            ToolsForbidden = FakeHttp.Text(body["tool_choice"], "type") == "none",
        };
        conversation.OutputSchema = FakeStructuredOutput.FromInstruction(conversation.System);
        foreach (var message in (JsonArray)body["messages"]!)
        {
            ReadMessage(message, conversation);
        }

        foreach (var tool in (body["tools"] as JsonArray) ?? new JsonArray())
        {
            conversation.Tools.Add(new FakeTool(FakeHttp.Text(tool, "name") ?? string.Empty, FakeHttp.Text(tool, "description"), tool?["input_schema"]?.DeepClone()));
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
            await FakeHttp.WriteJsonAsync(context, 200, Message(answer!)).ConfigureAwait(false);
        }
    }

    /// <summary>Reads one message: tool results become <c>tool</c> messages, the rest one user or assistant message.</summary>
    private static void ReadMessage(JsonNode? message, FakeConversation conversation)
    {
        var read = new FakeMessage { Role = FakeHttp.Text(message, "role") ?? "user" };
        var text = string.Empty;
        var blocks = message?["content"] switch
        {
            JsonArray array => array.ToList(),
            JsonValue value when value.TryGetValue<string>(out var plain) => new List<JsonNode?> { new JsonObject { ["type"] = "text", ["text"] = plain } },
            _ => new List<JsonNode?>(),
        };
        var hasContent = false;
        foreach (var block in blocks)
        {
            switch (FakeHttp.Text(block, "type"))
            {
                case "text":
                    text += FakeHttp.Text(block, "text");
                    hasContent = true;
                    break;
                case "image":
                    read.Images.Add(DescribeImage(block?["source"]));
                    hasContent = true;
                    break;
                case "document":
                    read.Images.Add("document " + DescribeImage(block?["source"]));
                    hasContent = true;
                    break;
                case "tool_use":
                    read.ToolCalls.Add(new FakeToolCall(FakeHttp.Text(block, "id") ?? string.Empty, FakeHttp.Text(block, "name") ?? string.Empty, block?["input"]?.ToJsonString() ?? "{}"));
                    hasContent = true;
                    break;
                case "tool_result":
                    conversation.Messages.Add(new FakeMessage
                    {
                        Role = "tool",
                        ToolCallId = FakeHttp.Text(block, "tool_use_id"),
                        Text = block?["content"] is { } content ? TextOf(content) : string.Empty,
                    });
                    break;
            }
        }

        read.Text = text;
        if (hasContent)
        {
            conversation.Messages.Add(read);
        }
    }

    /// <summary>The text of a string, or of an array of text blocks (system prompts and tool results may be either).</summary>
    private static string TextOf(JsonNode node) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var plain) => plain,
        JsonArray array => string.Join("\n\n", array.Where(b => FakeHttp.Text(b, "type") == "text").Select(b => FakeHttp.Text(b, "text"))),
        _ => string.Empty,
    };

    private static string DescribeImage(JsonNode? source) => FakeHttp.Text(source, "type") switch
    {
        "base64" => $"bytes:{FakeHttp.Text(source, "media_type")}:{Convert.FromBase64String(FakeHttp.Text(source, "data") ?? string.Empty).Length}",
        "url" => "url:" + FakeHttp.Text(source, "url"),
        "text" => "text:" + FakeHttp.Text(source, "data"),
        var other => "unknown:" + other,
    };

    private static string StopReason(FakeAnswer answer) => answer.FinishReason switch
    {
        "length" => "max_tokens",
        "tool_calls" => "tool_use",
        _ => "end_turn",
    };

    private static JsonObject Usage(FakeAnswer answer, int outputTokens) => new()
    {
        ["input_tokens"] = answer.PromptTokens - answer.CachedTokens,
        ["cache_creation_input_tokens"] = 0,
        ["cache_read_input_tokens"] = answer.CachedTokens,
        ["output_tokens"] = outputTokens,
    };

    private static JsonObject Message(FakeAnswer answer)
    {
        var content = new JsonArray();
        if (answer.Reasoning is not null)
        {
            content.Add(new JsonObject { ["type"] = "thinking", ["thinking"] = answer.Reasoning, ["signature"] = Signature });
        }

        if (answer.Text.Length > 0 || answer.ToolCalls.Count == 0)
        {
            content.Add(new JsonObject { ["type"] = "text", ["text"] = answer.Text });
        }

        foreach (var call in answer.ToolCalls)
        {
            content.Add(new JsonObject { ["type"] = "tool_use", ["id"] = call.Id, ["name"] = call.Name, ["input"] = JsonNode.Parse(call.ArgumentsJson) });
        }

        return new JsonObject
        {
            ["id"] = "msg_" + answer.Id,
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = answer.Model,
            ["content"] = content,
            ["stop_reason"] = StopReason(answer),
            ["stop_sequence"] = null,
            ["usage"] = Usage(answer, answer.CompletionTokens),
        };
    }

    private static async Task StreamAsync(HttpContext context, FakeAnswer answer)
    {
        Task SendAsync(string name, JsonObject data)
        {
            data.Insert(0, "type", name);
            return FakeHttp.WriteEventAsync(context, name, data.ToJsonString());
        }

        await FakeHttp.StartEventStreamAsync(context).ConfigureAwait(false);
        await SendAsync("message_start", new JsonObject
        {
            ["message"] = new JsonObject
            {
                ["id"] = "msg_" + answer.Id,
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = answer.Model,
                ["content"] = new JsonArray(),
                ["stop_reason"] = null,
                ["stop_sequence"] = null,
                ["usage"] = Usage(answer, 1),
            },
        }).ConfigureAwait(false);

        var index = 0;
        var pinged = false;
        async Task BlockAsync(JsonObject start, IEnumerable<JsonObject> deltas)
        {
            await SendAsync("content_block_start", new JsonObject { ["index"] = index, ["content_block"] = start }).ConfigureAwait(false);
            if (!pinged)
            {
                // The real API sends a ping after the first block starts.
                await SendAsync("ping", new JsonObject()).ConfigureAwait(false);
                pinged = true;
            }

            foreach (var delta in deltas)
            {
                await SendAsync("content_block_delta", new JsonObject { ["index"] = index, ["delta"] = delta }).ConfigureAwait(false);
            }

            await SendAsync("content_block_stop", new JsonObject { ["index"] = index }).ConfigureAwait(false);
            index++;
        }

        if (answer.Reasoning is not null)
        {
            await BlockAsync(
                new JsonObject { ["type"] = "thinking", ["thinking"] = string.Empty, ["signature"] = string.Empty },
                answer.Reasoning.Split(' ').Select((word, i) => new JsonObject { ["type"] = "thinking_delta", ["thinking"] = i == 0 ? word : " " + word })
                    .Append(new JsonObject { ["type"] = "signature_delta", ["signature"] = Signature })).ConfigureAwait(false);
        }

        if (answer.Text.Length > 0 || answer.ToolCalls.Count == 0)
        {
            await BlockAsync(
                new JsonObject { ["type"] = "text", ["text"] = string.Empty },
                answer.TextChunks.Select(piece => new JsonObject { ["type"] = "text_delta", ["text"] = piece })).ConfigureAwait(false);
        }

        foreach (var call in answer.ToolCalls)
        {
            await BlockAsync(
                new JsonObject { ["type"] = "tool_use", ["id"] = call.Id, ["name"] = call.Name, ["input"] = new JsonObject() },
                FakeAnswer.SplitArguments(call.ArgumentsJson).Prepend(string.Empty).Select(fragment => new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = fragment })).ConfigureAwait(false);
        }

        if (!pinged)
        {
            await SendAsync("ping", new JsonObject()).ConfigureAwait(false);
        }

        await SendAsync("message_delta", new JsonObject
        {
            ["delta"] = new JsonObject { ["stop_reason"] = StopReason(answer), ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["output_tokens"] = answer.CompletionTokens },
        }).ConfigureAwait(false);
        await SendAsync("message_stop", new JsonObject()).ConfigureAwait(false);
    }
}
