using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.FakeProvider.Brain;

namespace Mostlyucid.LlmBackend.FakeProvider.Formats;

/// <summary>
/// Google's Gemini API (Generative Language API): <c>POST /{version}/models/{model}:generateContent</c>,
/// <c>:streamGenerateContent?alt=sse</c> (one whole <c>GenerateContentResponse</c> per event, no end marker; without
/// <c>alt=sse</c> a JSON array of them), <c>:batchEmbedContents</c>, <c>GET /{version}/models</c> (paged by
/// <c>pageSize</c>/<c>pageToken</c>), the key in the <c>x-goog-api-key</c> header and Google's
/// <c>{"error": {"code", "message", "status", "details"}}</c> bodies. Versions <c>v1beta</c> and <c>v1</c> are served.
/// </summary>
/// <remarks>
/// Where this fake departs from the real service, because the shared conformance suite fixes the status:
/// <list type="bullet">
/// <item>A wrong or missing key is a 401 <c>UNAUTHENTICATED</c> here. Google answers a wrong key with 400
/// <c>INVALID_ARGUMENT</c> (reason <c>API_KEY_INVALID</c>) and a missing one with 403 <c>PERMISSION_DENIED</c>; the
/// provider's wire-format tests cover those bodies.</item>
/// <item>Content filtering is a 400 <c>INVALID_ARGUMENT</c> whose <c>ErrorInfo</c> reason is a Gemini block reason
/// (<c>PROHIBITED_CONTENT</c>). Google reports blocks in a 200 (<c>promptFeedback.blockReason</c>, or a candidate's
/// <c>finishReason</c> <c>SAFETY</c>), also covered by the wire-format tests.</item>
/// </list>
/// A key sent as the <c>key</c> query parameter (which Google also accepts) is not accepted here; tests can check that no
/// recorded request carried one with <see cref="CarriesKeyInQuery"/>.
/// </remarks>
public sealed class GeminiFakeFormat : IFakeProviderFormat
{
    private const int DefaultPageSize = 50;

    public string Name => "gemini";

    /// <summary>
    /// Everything under <c>/v1beta</c>; under <c>/v1</c>, which OpenAI's format shares, only model methods
    /// (<c>/v1/models/{model}:{method}</c>) and requests carrying Gemini's key header.
    /// </summary>
    public bool Handles(HttpRequest request) =>
        request.Path.StartsWithSegments("/v1beta", StringComparison.Ordinal)
        || (request.Path.StartsWithSegments("/v1/models", StringComparison.Ordinal)
            && (request.Path.Value!.Contains(':', StringComparison.Ordinal) || request.Headers.ContainsKey("x-goog-api-key")));

    public string? ApiKeyOf(HttpRequest request) => request.Headers["x-goog-api-key"].ToString() is { Length: > 0 } key ? key : null;

    /// <summary>Gets whether a recorded request carried an API key in its URL (<c>?key=…</c>).</summary>
    public static bool CarriesKeyInQuery(RecordedRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = request.Path.IndexOf('?', StringComparison.Ordinal) is var at and >= 0 ? request.Path[(at + 1)..] : string.Empty;
        return query.Split('&').Any(p => p.Split('=')[0].Equals("key", StringComparison.OrdinalIgnoreCase));
    }

    public async Task<bool> HandleAsync(HttpContext context, FakeProviderServer server)
    {
        var segments = context.Request.Path.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries);
        switch (context.Request.Method, segments)
        {
            case ("GET", [_, "models"]):
                await WriteModelsAsync(context, server).ConfigureAwait(false);
                return true;
            case ("POST", [_, "models", var target]) when target.LastIndexOf(':') is var colon and > 0:
                var model = Uri.UnescapeDataString(target[..colon]);
                switch (target[(colon + 1)..])
                {
                    case "generateContent":
                        await ChatAsync(context, server, model, stream: false).ConfigureAwait(false);
                        return true;
                    case "streamGenerateContent":
                        await ChatAsync(context, server, model, stream: true).ConfigureAwait(false);
                        return true;
                    case "batchEmbedContents":
                        await EmbeddingsAsync(context, server, model).ConfigureAwait(false);
                        return true;
                    default:
                        return false;
                }

            default:
                return false;
        }
    }

    public Task WriteFailureAsync(HttpContext context, FakeFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        if (failure.Kind == FakeFailureKind.GarbageBody)
        {
            return FakeHttp.WriteGarbageAsync(context, failure.Message);
        }

        if (failure.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        var (message, reason) = failure.Kind switch
        {
            FakeFailureKind.Unauthorized => ("Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.", (string?)null),
            FakeFailureKind.ContextLengthExceeded => ("The input token count (9000) exceeds the maximum number of tokens allowed (8192).", null),
            FakeFailureKind.ContentFiltered => (failure.Message, "PROHIBITED_CONTENT"),
            _ => (failure.Message, null),
        };
        var details = new JsonArray();
        if (reason is not null)
        {
            details.Add(new JsonObject { ["@type"] = "type.googleapis.com/google.rpc.ErrorInfo", ["reason"] = reason, ["domain"] = "generativelanguage.googleapis.com" });
        }

        if (failure.RetryAfterSeconds is { } delay)
        {
            details.Add(new JsonObject { ["@type"] = "type.googleapis.com/google.rpc.RetryInfo", ["retryDelay"] = delay.ToString(CultureInfo.InvariantCulture) + "s" });
        }

        return FakeHttp.WriteJsonAsync(context, failure.Status, ErrorBody(failure.Status, message, details.Count > 0 ? details : null));
    }

    private static JsonObject ErrorBody(int status, string message, JsonArray? details = null)
    {
        var error = new JsonObject { ["code"] = status, ["message"] = message, ["status"] = RpcStatus(status) };
        if (details is not null)
        {
            error["details"] = details;
        }

        return new JsonObject { ["error"] = error };
    }

    private static string RpcStatus(int status) => status switch
    {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        409 => "ABORTED",
        429 => "RESOURCE_EXHAUSTED",
        499 => "CANCELLED",
        501 => "NOT_IMPLEMENTED",
        503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        >= 500 => "INTERNAL",
        _ => "FAILED_PRECONDITION",
    };

    private static Task WriteModelsAsync(HttpContext context, FakeProviderServer server)
    {
        var pageSize = int.TryParse(context.Request.Query["pageSize"], NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size > 0 ? size : DefaultPageSize;
        var start = int.TryParse(context.Request.Query["pageToken"], NumberStyles.None, CultureInfo.InvariantCulture, out var offset) ? offset : 0;
        var page = server.Options.Models.Skip(start).Take(pageSize).ToList();
        var body = new JsonObject
        {
            ["models"] = new JsonArray(page.Select(m => (JsonNode)new JsonObject
            {
                ["name"] = "models/" + m,
                ["version"] = "001",
                ["displayName"] = m,
                ["description"] = "A model of the fake provider.",
                ["inputTokenLimit"] = 8192,
                ["outputTokenLimit"] = 2048,
                ["supportedGenerationMethods"] = new JsonArray("generateContent", "countTokens"),
            }).ToArray()),
        };
        if (start + page.Count < server.Options.Models.Count)
        {
            body["nextPageToken"] = (start + page.Count).ToString(CultureInfo.InvariantCulture);
        }

        return FakeHttp.WriteJsonAsync(context, 200, body);
    }

    private async Task ChatAsync(HttpContext context, FakeProviderServer server, string model, bool stream)
    {
        var body = await FakeHttp.ReadJsonAsync(context).ConfigureAwait(false);
        if (body is not JsonObject)
        {
            await FakeHttp.WriteJsonAsync(context, 400, ErrorBody(400, "Invalid JSON payload received.")).ConfigureAwait(false);
            return;
        }

        if (body["contents"] is not JsonArray { Count: > 0 } contents)
        {
            await FakeHttp.WriteJsonAsync(context, 400, ErrorBody(400, "* GenerateContentRequest.contents: contents is not specified")).ConfigureAwait(false);
            return;
        }

        var conversation = new FakeConversation
        {
            Format = Name,
            Model = model,
            Body = body,
            Stream = stream,
            MaxTokens = FakeHttp.Number(body["generationConfig"], "maxOutputTokens"),
            ToolsForbidden = FakeHttp.Text(body["toolConfig"]?["functionCallingConfig"], "mode") == "NONE",
        };
        var system = ((body["systemInstruction"]?["parts"] as JsonArray) ?? new JsonArray()).Select(p => FakeHttp.Text(p, "text")).OfType<string>().ToList();
        conversation.System = system.Count > 0 ? string.Join('\n', system) : null;
        foreach (var content in contents)
        {
            ReadContent(content, conversation);
        }

        foreach (var tool in (body["tools"] as JsonArray) ?? new JsonArray())
        {
            foreach (var declaration in (tool?["functionDeclarations"] as JsonArray) ?? new JsonArray())
            {
                var parameters = declaration?["parametersJsonSchema"] ?? declaration?["parameters"];
                conversation.Tools.Add(new FakeTool(FakeHttp.Text(declaration, "name") ?? string.Empty, FakeHttp.Text(declaration, "description"), parameters?.DeepClone()));
            }
        }

        var (answer, failure) = await server.AnswerAsync(context, conversation).ConfigureAwait(false);
        if (failure is not null)
        {
            await WriteFailureAsync(context, failure).ConfigureAwait(false);
            return;
        }

        if (!stream)
        {
            await FakeHttp.WriteJsonAsync(context, 200, Response(answer!, Parts(answer!), final: true)).ConfigureAwait(false);
            return;
        }

        var chunks = StreamChunks(answer!);
        if (context.Request.Query["alt"] != "sse")
        {
            // Without alt=sse Google streams one JSON array of the same responses.
            await FakeHttp.WriteJsonAsync(context, 200, new JsonArray(chunks.ToArray<JsonNode>())).ConfigureAwait(false);
            return;
        }

        await FakeHttp.StartEventStreamAsync(context).ConfigureAwait(false);
        foreach (var chunk in chunks)
        {
            await FakeHttp.WriteEventAsync(context, null, chunk.ToJsonString()).ConfigureAwait(false);
        }
    }

    /// <summary>The stream's events: thoughts, then the text in its pieces, then all function calls in one event; the last carries the finish reason and full usage.</summary>
    private static List<JsonObject> StreamChunks(FakeAnswer answer)
    {
        var parts = new List<JsonArray>();
        if (answer.Reasoning is not null)
        {
            parts.Add(new JsonArray(new JsonObject { ["text"] = answer.Reasoning, ["thought"] = true }));
        }

        parts.AddRange(answer.TextChunks.Select(piece => new JsonArray(new JsonObject { ["text"] = piece })));
        if (answer.ToolCalls.Count > 0)
        {
            parts.Add(new JsonArray(answer.ToolCalls.Select(FunctionCallPart).ToArray<JsonNode>()));
        }

        if (parts.Count == 0)
        {
            parts.Add(new JsonArray(new JsonObject { ["text"] = string.Empty }));
        }

        return parts.Select((p, i) => Response(answer, p, final: i == parts.Count - 1)).ToList();
    }

    /// <summary>A whole answer's parts: thoughts, the text (left out when only functions are called), the function calls.</summary>
    private static JsonArray Parts(FakeAnswer answer)
    {
        var parts = new JsonArray();
        if (answer.Reasoning is not null)
        {
            parts.Add(new JsonObject { ["text"] = answer.Reasoning, ["thought"] = true });
        }

        if (answer.Text.Length > 0 || answer.ToolCalls.Count == 0)
        {
            parts.Add(new JsonObject { ["text"] = answer.Text });
        }

        foreach (var call in answer.ToolCalls)
        {
            parts.Add(FunctionCallPart(call));
        }

        return parts;
    }

    private static JsonObject FunctionCallPart(FakeToolCall call) => new()
    {
        ["functionCall"] = new JsonObject { ["id"] = call.Id, ["name"] = call.Name, ["args"] = JsonNode.Parse(call.ArgumentsJson) },
    };

    private static JsonObject Response(FakeAnswer answer, JsonArray parts, bool final)
    {
        var candidate = new JsonObject { ["content"] = new JsonObject { ["parts"] = parts, ["role"] = "model" }, ["index"] = 0 };
        var usage = new JsonObject { ["promptTokenCount"] = answer.PromptTokens };
        if (final)
        {
            candidate["finishReason"] = answer.FinishReason == "length" ? "MAX_TOKENS" : "STOP";
            usage["candidatesTokenCount"] = answer.CompletionTokens - answer.ReasoningTokens;
            usage["totalTokenCount"] = answer.PromptTokens + answer.CompletionTokens;
            if (answer.ReasoningTokens > 0)
            {
                usage["thoughtsTokenCount"] = answer.ReasoningTokens;
            }

            if (answer.CachedTokens > 0)
            {
                usage["cachedContentTokenCount"] = answer.CachedTokens;
            }
        }
        else
        {
            usage["totalTokenCount"] = answer.PromptTokens;
        }

        return new JsonObject
        {
            ["candidates"] = new JsonArray(candidate),
            ["usageMetadata"] = usage,
            ["modelVersion"] = answer.Model,
            ["responseId"] = answer.Id,
        };
    }

    private static void ReadContent(JsonNode? content, FakeConversation conversation)
    {
        var role = FakeHttp.Text(content, "role") == "model" ? "assistant" : "user";
        var message = new FakeMessage { Role = role };
        var text = new StringBuilder();
        foreach (var part in (content?["parts"] as JsonArray) ?? new JsonArray())
        {
            if (part?["functionResponse"] is { } response)
            {
                conversation.Messages.Add(new FakeMessage { Role = "tool", ToolCallId = FakeHttp.Text(response, "id"), Text = ResultText(response["response"]) });
            }
            else if (part?["functionCall"] is { } call)
            {
                message.ToolCalls.Add(new FakeToolCall(FakeHttp.Text(call, "id") ?? string.Empty, FakeHttp.Text(call, "name") ?? string.Empty, call["args"]?.ToJsonString() ?? "{}"));
            }
            else if (part?["inlineData"] is { } inline)
            {
                message.Images.Add($"bytes:{FakeHttp.Text(inline, "mimeType")}:{Convert.FromBase64String(FakeHttp.Text(inline, "data") ?? string.Empty).Length}");
            }
            else if (part?["fileData"] is { } file)
            {
                message.Images.Add("url:" + FakeHttp.Text(file, "fileUri"));
            }
            else if (part?["thought"]?.GetValue<bool>() != true && FakeHttp.Text(part, "text") is { } piece)
            {
                text.Append(piece);
            }
        }

        message.Text = text.ToString();
        if (message.Text.Length > 0 || message.Images.Count > 0 || message.ToolCalls.Count > 0)
        {
            conversation.Messages.Add(message);
        }
    }

    /// <summary>A function response's text: its <c>result</c> or <c>content</c> string, else the response object as JSON.</summary>
    private static string ResultText(JsonNode? response) =>
        FakeHttp.Text(response, "result") ?? FakeHttp.Text(response, "content") ?? response?.ToJsonString() ?? string.Empty;

    private async Task EmbeddingsAsync(HttpContext context, FakeProviderServer server, string model)
    {
        var body = await FakeHttp.ReadJsonAsync(context).ConfigureAwait(false);
        if (FakeBrain.FailureFor(model, server.Options) is { } failure)
        {
            await WriteFailureAsync(context, failure).ConfigureAwait(false);
            return;
        }

        if (body?["requests"] is not JsonArray { Count: > 0 } requests)
        {
            await FakeHttp.WriteJsonAsync(context, 400, ErrorBody(400, "* BatchEmbedContentsRequest.requests: requests is not specified")).ConfigureAwait(false);
            return;
        }

        if (requests.Count > 100)
        {
            await FakeHttp.WriteJsonAsync(context, 400, ErrorBody(400, "* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch")).ConfigureAwait(false);
            return;
        }

        var inputs = new List<string>();
        var vectors = new JsonArray();
        foreach (var request in requests)
        {
            if (FakeHttp.Text(request, "model") != "models/" + model)
            {
                await FakeHttp.WriteJsonAsync(context, 400, ErrorBody(400, $"Model names should match: each request's model must be models/{model}.")).ConfigureAwait(false);
                return;
            }

            var text = string.Concat(((request?["content"]?["parts"] as JsonArray) ?? new JsonArray()).Select(p => FakeHttp.Text(p, "text")));
            inputs.Add(text);
            var dimensions = FakeHttp.Number(request, "outputDimensionality") ?? server.Options.EmbeddingDimensions;
            vectors.Add(new JsonObject { ["values"] = new JsonArray(FakeBrain.Embed(text, dimensions).Select(v => (JsonNode)v).ToArray()) });
        }

        server.RecordEmbedding(Name, model, inputs);
        await FakeHttp.WriteJsonAsync(context, 200, new JsonObject { ["embeddings"] = vectors }).ConfigureAwait(false);
    }
}
