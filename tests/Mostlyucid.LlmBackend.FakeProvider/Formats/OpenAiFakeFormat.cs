using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.FakeProvider.Brain;

namespace Mostlyucid.LlmBackend.FakeProvider.Formats;

/// <summary>
/// OpenAI's API: <c>POST /v1/chat/completions</c> (JSON or SSE chunks ending in <c>data: [DONE]</c>, usage in a final chunk
/// with <c>stream_options.include_usage</c>), <c>POST /v1/embeddings</c> (float or base64), <c>GET /v1/models</c>, bearer
/// keys and <c>{"error": {…}}</c> bodies.
/// </summary>
public class OpenAiFakeFormat : IFakeProviderFormat
{
    public virtual string Name => "openai";

    public virtual bool Handles(HttpRequest request) =>
        request.Path.StartsWithSegments("/v1", StringComparison.Ordinal) && !request.Headers.ContainsKey("anthropic-version");

    public virtual string? ApiKeyOf(HttpRequest request) =>
        request.Headers.Authorization.ToString() is { Length: > 7 } header && header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : null;

    public virtual async Task<bool> HandleAsync(HttpContext context, FakeProviderServer server)
    {
        switch (context.Request.Method, context.Request.Path.Value)
        {
            case ("GET", "/v1/models"):
                await WriteModelsAsync(context, server).ConfigureAwait(false);
                return true;
            case ("POST", "/v1/chat/completions"):
                await ChatAsync(context, server, modelFromPath: null).ConfigureAwait(false);
                return true;
            case ("POST", "/v1/embeddings"):
                await EmbeddingsAsync(context, server, modelFromPath: null).ConfigureAwait(false);
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
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var (type, code) = failure.Kind switch
        {
            FakeFailureKind.Unauthorized => ("invalid_request_error", "invalid_api_key"),
            FakeFailureKind.ModelNotFound => ("invalid_request_error", "model_not_found"),
            FakeFailureKind.RateLimited => ("requests", "rate_limit_exceeded"),
            FakeFailureKind.ContextLengthExceeded => ("invalid_request_error", "context_length_exceeded"),
            FakeFailureKind.ContentFiltered => ("invalid_request_error", "content_filter"),
            FakeFailureKind.ServerError => ("server_error", (string?)null),
            _ => ("invalid_request_error", (string?)null),
        };
        return FakeHttp.WriteJsonAsync(context, failure.Status, ErrorBody(failure.Message, type, code));
    }

    protected static JsonNode ErrorBody(string message, string type, string? code, string? param = null) =>
        new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = param, ["code"] = code } };

    protected Task WriteModelsAsync(HttpContext context, FakeProviderServer server) => FakeHttp.WriteJsonAsync(context, 200, new JsonObject
    {
        ["object"] = "list",
        ["data"] = new JsonArray(server.Options.Models.Select(m => (JsonNode)new JsonObject
        {
            ["id"] = m,
            ["object"] = "model",
            ["created"] = 1_700_000_000,
            ["owned_by"] = "fake-provider",
        }).ToArray()),
    });

    protected async Task ChatAsync(HttpContext context, FakeProviderServer server, string? modelFromPath)
    {
        var body = await FakeHttp.ReadJsonAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            await FakeHttp.WriteJsonAsync(context, 400, ErrorBody("We could not parse the JSON body of your request.", "invalid_request_error", null)).ConfigureAwait(false);
            return;
        }

        var model = modelFromPath ?? FakeHttp.Text(body, "model");
        if (string.IsNullOrEmpty(model))
        {
            await FakeHttp.WriteJsonAsync(context, 400, ErrorBody("you must provide a model parameter", "invalid_request_error", null, "model")).ConfigureAwait(false);
            return;
        }

        if (body["messages"] is not JsonArray { Count: > 0 } messages)
        {
            await FakeHttp.WriteJsonAsync(context, 400, ErrorBody("'messages' is a required property and must be a non-empty array", "invalid_request_error", null, "messages")).ConfigureAwait(false);
            return;
        }

        var conversation = new FakeConversation
        {
            Format = Name,
            Model = model,
            Body = body,
            Stream = body["stream"]?.GetValue<bool>() == true,
            MaxTokens = FakeHttp.Number(body, "max_completion_tokens") ?? FakeHttp.Number(body, "max_tokens"),
            ToolsForbidden = FakeHttp.Text(body, "tool_choice") == "none",
            OutputSchema = FakeHttp.Text(body["response_format"], "type") switch
            {
                "json_schema" => body["response_format"]?["json_schema"]?["schema"]?.DeepClone() ?? new JsonObject(),
                "json_object" => new JsonObject(),
                _ => null,
            },
        };
        try
        {
            foreach (var message in messages)
            {
                ReadMessage(message, conversation);
            }
        }
        catch (FormatException)
        {
            // As OpenAI does: an image whose data URL does not decode is the request's fault.
            await FakeHttp.WriteJsonAsync(context, 400, ErrorBody("Invalid image data: the base64 in an image_url could not be decoded.", "invalid_request_error", "invalid_image_format", "messages")).ConfigureAwait(false);
            return;
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

        // Models whose name contains "object-args" send tool call arguments as a JSON object, as some compatible servers do.
        var style = new Style(body["logprobs"] is JsonValue lp && lp.TryGetValue<bool>(out var wanted) && wanted, model.Contains("object-args", StringComparison.Ordinal));
        if (conversation.Stream)
        {
            await StreamAsync(context, answer!, body["stream_options"]?["include_usage"]?.GetValue<bool>() == true, server.Options.UsageOnFinishChunk, style).ConfigureAwait(false);
        }
        else
        {
            await FakeHttp.WriteJsonAsync(context, 200, Completion(answer!, style)).ConfigureAwait(false);
        }
    }

    protected async Task EmbeddingsAsync(HttpContext context, FakeProviderServer server, string? modelFromPath)
    {
        var body = await FakeHttp.ReadJsonAsync(context).ConfigureAwait(false);
        var model = modelFromPath ?? FakeHttp.Text(body, "model");
        if (string.IsNullOrEmpty(model))
        {
            await FakeHttp.WriteJsonAsync(context, 400, ErrorBody("you must provide a model parameter", "invalid_request_error", null, "model")).ConfigureAwait(false);
            return;
        }

        if (FakeBrain.FailureFor(model, server.Options) is { } failure)
        {
            await WriteFailureAsync(context, failure).ConfigureAwait(false);
            return;
        }

        var inputs = body?["input"] switch
        {
            JsonArray array => array.Select(i => i?.GetValue<string>() ?? string.Empty).ToList(),
            JsonValue value when value.TryGetValue<string>(out var single) => new List<string> { single },
            _ => null,
        };
        if (inputs is null || inputs.Count == 0)
        {
            await FakeHttp.WriteJsonAsync(context, 400, ErrorBody("'input' must be a string or a non-empty array of strings", "invalid_request_error", null, "input")).ConfigureAwait(false);
            return;
        }

        var dimensions = FakeHttp.Number(body, "dimensions") ?? server.Options.EmbeddingDimensions;
        var base64 = FakeHttp.Text(body, "encoding_format") == "base64";
        server.RecordEmbedding(Name, model, inputs);
        await FakeHttp.WriteJsonAsync(context, 200, new JsonObject
        {
            ["object"] = "list",
            ["model"] = model,
            ["data"] = new JsonArray(inputs.Select((text, index) =>
            {
                var vector = FakeBrain.Embed(text, dimensions);
                JsonNode embedding = base64
                    ? Convert.ToBase64String(vector.SelectMany(BitConverter.GetBytes).ToArray())
                    : new JsonArray(vector.Select(v => (JsonNode)v).ToArray());
                return (JsonNode)new JsonObject { ["object"] = "embedding", ["index"] = index, ["embedding"] = embedding };
            }).ToArray()),
            ["usage"] = new JsonObject { ["prompt_tokens"] = inputs.Sum(FakeBrain.Words), ["total_tokens"] = inputs.Sum(FakeBrain.Words) },
        }).ConfigureAwait(false);
    }

    private static void ReadMessage(JsonNode? message, FakeConversation conversation)
    {
        var role = FakeHttp.Text(message, "role");
        var text = string.Empty;
        var read = new FakeMessage { Role = role ?? "user", ToolCallId = FakeHttp.Text(message, "tool_call_id") };
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
                            var url = FakeHttp.Text(part?["image_url"], "url") ?? string.Empty;
                            read.Images.Add(DescribeImageUrl(url));
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

        if (role is "system" or "developer")
        {
            conversation.System = conversation.System is null ? text : conversation.System + "\n" + text;
            return;
        }

        conversation.Messages.Add(read);
    }

    /// <summary>Describes an image URL the way the brain echoes it: data URLs by media type and size.</summary>
    public static string DescribeImageUrl(string url)
    {
        if (url.StartsWith("data:", StringComparison.Ordinal) && url.IndexOf(";base64,", StringComparison.Ordinal) is var at and > 5)
        {
            return $"bytes:{url[5..at]}:{Convert.FromBase64String(url[(at + 8)..]).Length}";
        }

        return "url:" + url;
    }

    private static JsonObject Usage(FakeAnswer answer) => new()
    {
        ["prompt_tokens"] = answer.PromptTokens,
        ["completion_tokens"] = answer.CompletionTokens,
        ["total_tokens"] = answer.PromptTokens + answer.CompletionTokens,
        ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = answer.CachedTokens },
        ["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = answer.ReasoningTokens },
    };

    /// <summary>How an answer is rendered: with log probabilities (when asked for), with arguments as objects.</summary>
    private sealed record Style(bool Logprobs, bool ObjectArguments);

    /// <summary>Log probabilities for text pieces: each piece one token with log probability -0.5.</summary>
    private static JsonNode? LogprobsFor(IEnumerable<string> pieces, bool wanted) => wanted
        ? new JsonObject
        {
            ["content"] = new JsonArray(pieces.Select(p => (JsonNode)new JsonObject { ["token"] = p, ["logprob"] = -0.5, ["bytes"] = new JsonArray(System.Text.Encoding.UTF8.GetBytes(p).Select(b => (JsonNode)(int)b).ToArray()), ["top_logprobs"] = new JsonArray() }).ToArray()),
            ["refusal"] = null,
        }
        : null;

    private static JsonNode? ArgumentsNode(string json, bool asObject) => asObject ? JsonNode.Parse(json) : json;

    private static JsonObject Completion(FakeAnswer answer, Style style)
    {
        var message = new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = answer.ToolCalls.Count > 0 && answer.Text.Length == 0 ? null : answer.Text,
            ["refusal"] = null,
        };
        if (answer.Reasoning is not null)
        {
            message["reasoning_content"] = answer.Reasoning;
        }

        if (answer.ToolCalls.Count > 0)
        {
            message["tool_calls"] = new JsonArray(answer.ToolCalls.Select(c => (JsonNode)new JsonObject
            {
                ["id"] = c.Id,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = ArgumentsNode(c.ArgumentsJson, style.ObjectArguments) },
            }).ToArray());
        }

        return new JsonObject
        {
            ["id"] = "chatcmpl-" + answer.Id,
            ["object"] = "chat.completion",
            ["created"] = 1_700_000_000,
            ["model"] = answer.Model,
            ["system_fingerprint"] = "fp_fake",
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["logprobs"] = LogprobsFor(answer.TextChunks, style.Logprobs), ["finish_reason"] = answer.FinishReason }),
            ["usage"] = Usage(answer),
        };
    }

    private static async Task StreamAsync(HttpContext context, FakeAnswer answer, bool includeUsage, bool usageOnFinish, Style style)
    {
        JsonObject Chunk(JsonObject delta, string? finish = null, JsonNode? logprobs = null) => new()
        {
            ["id"] = "chatcmpl-" + answer.Id,
            ["object"] = "chat.completion.chunk",
            ["created"] = 1_700_000_000,
            ["model"] = answer.Model,
            ["system_fingerprint"] = "fp_fake",
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["logprobs"] = logprobs, ["finish_reason"] = finish }),
        };

        await FakeHttp.StartEventStreamAsync(context).ConfigureAwait(false);
        await FakeHttp.WriteEventAsync(context, null, Chunk(new JsonObject { ["role"] = "assistant", ["content"] = string.Empty }).ToJsonString()).ConfigureAwait(false);
        if (answer.Reasoning is not null)
        {
            await FakeHttp.WriteEventAsync(context, null, Chunk(new JsonObject { ["reasoning_content"] = answer.Reasoning }).ToJsonString()).ConfigureAwait(false);
        }

        foreach (var piece in answer.TextChunks)
        {
            await FakeHttp.WriteEventAsync(context, null, Chunk(new JsonObject { ["content"] = piece }, logprobs: LogprobsFor(new[] { piece }, style.Logprobs)).ToJsonString()).ConfigureAwait(false);
        }

        for (var i = 0; i < answer.ToolCalls.Count; i++)
        {
            var call = answer.ToolCalls[i];
            await FakeHttp.WriteEventAsync(context, null, Chunk(new JsonObject
            {
                ["tool_calls"] = new JsonArray(new JsonObject
                {
                    ["index"] = i,
                    ["id"] = call.Id,
                    ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = style.ObjectArguments ? JsonNode.Parse(call.ArgumentsJson) : string.Empty },
                }),
            }).ToJsonString()).ConfigureAwait(false);
            foreach (var fragment in style.ObjectArguments ? Array.Empty<string>() : FakeAnswer.SplitArguments(call.ArgumentsJson))
            {
                await FakeHttp.WriteEventAsync(context, null, Chunk(new JsonObject
                {
                    ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = i, ["function"] = new JsonObject { ["arguments"] = fragment } }),
                }).ToJsonString()).ConfigureAwait(false);
            }
        }

        var finish = Chunk(new JsonObject(), answer.FinishReason);
        if (usageOnFinish)
        {
            finish["usage"] = Usage(answer);
        }

        await FakeHttp.WriteEventAsync(context, null, finish.ToJsonString()).ConfigureAwait(false);
        if (includeUsage)
        {
            var usage = new JsonObject
            {
                ["id"] = "chatcmpl-" + answer.Id,
                ["object"] = "chat.completion.chunk",
                ["created"] = 1_700_000_000,
                ["model"] = answer.Model,
                ["choices"] = new JsonArray(),
                ["usage"] = Usage(answer),
            };
            await FakeHttp.WriteEventAsync(context, null, usage.ToJsonString()).ConfigureAwait(false);
        }

        await FakeHttp.WriteEventAsync(context, null, "[DONE]").ConfigureAwait(false);
    }
}
