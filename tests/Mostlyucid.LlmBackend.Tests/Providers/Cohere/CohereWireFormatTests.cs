using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Providers.Cohere;

/// <summary>The Cohere provider against samples written from Cohere's API reference (Chat v2, Embed v2, models).</summary>
public class CohereWireFormatTests
{
    private static readonly LlmBackendConfig Config = new() { Name = "cohere", Type = "Cohere", ApiKey = "co-test", ModelName = "command-a-vision-07-2025", EmbeddingModelName = "embed-v4.0" };

    private static ChatRequest Hi() => new() { Messages = { new ChatMessage { Content = "hi" } } };

    private static ILlmBackend Backend(CannedHttpHandler handler, LlmBackendConfig? config = null) => WireFormat.CreateBuiltIn(config ?? Config, handler);

    private static async Task<(LlmResponse Response, int Updates)> StreamAsync(ILlmBackend backend, ChatRequest request)
    {
        var accumulator = new ChatStreamAccumulator();
        var updates = 0;
        await foreach (var update in ((IStreamingLlmBackend)backend).StreamChatAsync(request))
        {
            accumulator.Add(update);
            updates++;
        }

        return (accumulator.ToResponse(), updates);
    }

    [Fact]
    public async Task ChatRequest_MatchesTheDocumentedShape()
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("Cohere", "chat-response-tool-call.json"));
        var request = new ChatRequest
        {
            Temperature = 0.3, MaxTokens = 512, TopP = 0.75, TopK = 40, Stop = new() { "END" }, Seed = 42, FrequencyPenalty = 0.2, PresencePenalty = 0.1,
            ThinkingBudgetTokens = 1024, ParallelToolCalls = true, User = "user-1", ReasoningEffort = "high",
            ToolChoice = ToolChoice.Required,
            ResponseFormat = ResponseFormat.ForSchema("weather", JsonDocument.Parse("""{"type":"object","properties":{"summary":{"type":"string"}},"required":["summary"]}""").RootElement),
            Tools = new()
            {
                new ToolDefinition
                {
                    Name = "get_weather", Description = "Current weather in a city", Strict = true,
                    Parameters = JsonDocument.Parse("""{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}""").RootElement,
                },
            },
            Messages =
            {
                new ChatMessage { Role = "system", Content = "You are a weather bot." },
                new ChatMessage
                {
                    Role = "User", Name = "ann",
                    Parts = new()
                    {
                        ContentPart.FromText("What is the weather where this photo was taken?"),
                        ContentPart.FromImageUrl("https://example.com/street.jpg", "low"),
                        ContentPart.FromImageBytes(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, "image/png"),
                    },
                },
                new ChatMessage
                {
                    Role = "assistant", Reasoning = "I will look up the weather in Paris.",
                    ToolCalls = new() { new ToolCall { Id = "get_weather_1byjy32y4hvq", Name = "get_weather", Arguments = """{"location":"Paris"}""" } },
                },
                new ChatMessage { Role = "tool", ToolCallId = "get_weather_1byjy32y4hvq", Name = "get_weather", Content = "sunny, 21C" },
            },
        };

        var response = await Backend(handler).ChatAsync(request);

        Assert.True(response.Success, response.ErrorMessage);
        var (sent, body) = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, sent.Method);
        Assert.Equal("https://api.cohere.com/v2/chat", sent.RequestUri!.ToString());
        Assert.Equal("Bearer co-test", sent.Headers.Authorization!.ToString());
        WireFormat.AssertSameJson(WireFormat.Sample("Cohere", "chat-request.json"), body);
    }

    [Fact]
    public async Task ChatRequest_ForcedFunction_IsRequiredWithOnlyThatToolOffered()
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("Cohere", "chat-response-tool-call.json"));
        var request = Hi();
        request.Tools = new() { new ToolDefinition { Name = "get_time" }, new ToolDefinition { Name = "get_weather" } };
        request.ToolChoice = ToolChoice.ForFunction("get_weather");

        await Backend(handler).ChatAsync(request);

        var body = JsonNode.Parse(Assert.Single(handler.Requests).Body)!;
        Assert.Equal("REQUIRED", body["tool_choice"]!.GetValue<string>());
        Assert.Equal("get_weather", Assert.Single(body["tools"]!.AsArray())!["function"]!["name"]!.GetValue<string>());
        Assert.Null(body["strict_tools"]);
    }

    [Theory]
    [InlineData("auto", null)]
    [InlineData("none", "NONE")]
    public async Task ChatRequest_ToolChoice_AutoIsLeftOutAndNoneIsSent(string mode, string? expected)
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("Cohere", "chat-response.json"));
        var request = Hi();
        request.Tools = new() { new ToolDefinition { Name = "get_weather" } };
        request.ToolChoice = mode == "auto" ? ToolChoice.Auto : ToolChoice.None;

        await Backend(handler).ChatAsync(request);

        Assert.Equal(expected, JsonNode.Parse(Assert.Single(handler.Requests).Body)!["tool_choice"]?.GetValue<string>());
    }

    [Fact]
    public async Task ChatRequest_ForcedFunctionThatIsNotOffered_IsRejectedBeforeSending()
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("Cohere", "chat-response.json"));
        var request = Hi();
        request.Tools = new() { new ToolDefinition { Name = "get_time" } };
        request.ToolChoice = ToolChoice.ForFunction("get_weather");

        var response = await Backend(handler).ChatAsync(request);

        Assert.Equal(LlmErrorKind.InvalidRequest, response.Error!.Kind);
        Assert.Equal("Backend 'cohere' was asked to call function 'get_weather', which is not among the request's Tools.", response.ErrorMessage);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task ChatRequest_AdditionalPropertiesAndThinkingOff_AreSent()
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("Cohere", "chat-response.json"));
        var request = Hi();
        request.ThinkingBudgetTokens = 0;
        request.AdditionalProperties = new() { ["safety_mode"] = JsonDocument.Parse("\"STRICT\"").RootElement };

        await Backend(handler).ChatAsync(request);

        WireFormat.AssertSameJson(
            """{"model":"command-a-vision-07-2025","messages":[{"role":"user","content":"hi"}],"stream":false,"thinking":{"type":"disabled"},"safety_mode":"STRICT"}""",
            Assert.Single(handler.Requests).Body);
    }

    [Theory]
    [InlineData("https://api.cohere.com", "https://api.cohere.com/v2/chat")]
    [InlineData("https://api.cohere.com/v2/", "https://api.cohere.com/v2/chat")]
    [InlineData("https://api.cohere.com/v1", "https://api.cohere.com/v2/chat")]
    [InlineData("https://gateway.example.com/cohere", "https://gateway.example.com/cohere/v2/chat")]
    public async Task BaseUrl_WithOrWithoutAVersion_ReachesV2Chat(string baseUrl, string expected)
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("Cohere", "chat-response.json"));
        var config = new LlmBackendConfig { Name = "cohere", Type = "Cohere", ApiKey = "co-test", ModelName = "command-a-03-2025", BaseUrl = baseUrl };

        await Backend(handler, config).ChatAsync(Hi());

        Assert.Equal(expected, Assert.Single(handler.Requests).Request.RequestUri!.ToString());
    }

    [Fact]
    public async Task ChatResponse_DocumentedSample_IsReadCompletely_AndUnknownFieldsAreIgnored()
    {
        var backend = Backend(new CannedHttpHandler(WireFormat.Sample("Cohere", "chat-response.json")));

        var response = await backend.ChatAsync(Hi());

        Assert.True(response.Success, response.ErrorMessage);
        Assert.Equal("It is sunny and 21°C in Paris.", response.Content);
        Assert.Equal("The tool reported sunny weather at 21C in Paris.", response.Reasoning);
        Assert.Equal("c14c80c3-18eb-4519-9460-6c92edd8cfb4", response.ResponseId);
        Assert.Equal("command-a-vision-07-2025", response.ModelUsed);
        Assert.Equal(FinishReasons.Stop, response.FinishReason);
        Assert.Null(response.ToolCalls);
        Assert.Equal((1203, 40, 1243), (response.PromptTokens, response.CompletionTokens, response.TotalTokens));
    }

    [Fact]
    public async Task ChatResponse_ToolCall_HasCallsAndThePlanAsReasoning()
    {
        var backend = Backend(new CannedHttpHandler(WireFormat.Sample("Cohere", "chat-response-tool-call.json")));

        var response = await backend.ChatAsync(Hi());

        Assert.Equal(FinishReasons.ToolCalls, response.FinishReason);
        Assert.Equal(string.Empty, response.Content);
        Assert.Equal("I will look up the weather in Paris.", response.Reasoning);
        var call = Assert.Single(response.ToolCalls!);
        Assert.Equal(("get_weather_1byjy32y4hvq", "get_weather", """{"location":"Paris"}"""), (call.Id, call.Name, call.Arguments));
        Assert.Equal((1150, 52), (response.PromptTokens, response.CompletionTokens));
    }

    [Theory]
    [InlineData("STOP_SEQUENCE", FinishReasons.Stop)]
    [InlineData("MAX_TOKENS", FinishReasons.Length)]
    public async Task ChatResponse_FinishReasons_AreMapped(string wire, string expected)
    {
        var backend = Backend(new CannedHttpHandler("""{"id":"x","finish_reason":"WIRE","message":{"role":"assistant","content":[{"type":"text","text":"Hi"}]},"usage":{"billed_units":{"input_tokens":3,"output_tokens":1}}}""".Replace("WIRE", wire, StringComparison.Ordinal)));

        var response = await backend.ChatAsync(Hi());

        Assert.Equal(expected, response.FinishReason);
        Assert.Equal((3, 1, 4), (response.PromptTokens, response.CompletionTokens, response.TotalTokens));
    }

    [Theory]
    [InlineData("ERROR", LlmErrorKind.ServerError)]
    [InlineData("TIMEOUT", LlmErrorKind.Timeout)]
    public async Task ChatResponse_FailedFinishReason_IsATypedFailure(string wire, LlmErrorKind kind)
    {
        var backend = Backend(new CannedHttpHandler("""{"id":"x","finish_reason":"WIRE","message":{"role":"assistant","content":[]}}""".Replace("WIRE", wire, StringComparison.Ordinal)));

        var response = await backend.ChatAsync(Hi());

        Assert.False(response.Success);
        Assert.Equal(kind, response.Error!.Kind);
        Assert.Equal(wire, response.Error.ProviderCode);
        Assert.Equal($"Backend 'cohere' stopped generating (finish reason {wire}): no details", response.ErrorMessage);
    }

    [Fact]
    public async Task ChatResponse_WithoutMessage_IsAClearInvalidResponse()
    {
        var backend = Backend(new CannedHttpHandler("""{"id":"x","finish_reason":"COMPLETE","usage":{"tokens":{"input_tokens":1,"output_tokens":0}}}"""));

        var response = await backend.ChatAsync(Hi());

        Assert.Equal(LlmErrorKind.InvalidResponse, response.Error!.Kind);
        Assert.Equal("Backend 'cohere' returned an answer that cannot be used: the response has no message.", response.ErrorMessage);
    }

    [Fact]
    public async Task Stream_DocumentedTranscript_WithToolCalls_IsReadCompletely()
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("Cohere", "chat-stream.txt"), "text/event-stream");

        var (response, _) = await StreamAsync(Backend(handler), Hi());

        var body = JsonNode.Parse(Assert.Single(handler.Requests).Body)!;
        Assert.True(body["stream"]!.GetValue<bool>());
        Assert.Equal("text/event-stream", Assert.Single(handler.Requests).Request.Headers.Accept.Single().MediaType);
        Assert.Equal(string.Empty, response.Content);
        Assert.Equal("I will check the weather in Toronto and Berlin.", response.Reasoning);
        Assert.Equal(FinishReasons.ToolCalls, response.FinishReason);
        Assert.Equal(2, response.ToolCalls!.Count);
        Assert.Equal(("get_weather_nsz5zm3w56q3", "get_weather", "Toronto"), (response.ToolCalls[0].Id, response.ToolCalls[0].Name, JsonDocument.Parse(response.ToolCalls[0].Arguments).RootElement.GetProperty("location").GetString()));
        Assert.Equal(("get_weather_w5qx1t3v5ryb", "get_weather", """{"location": "Berlin"}"""), (response.ToolCalls[1].Id, response.ToolCalls[1].Name, response.ToolCalls[1].Arguments));
        Assert.Equal((1313, 66, 1379), (response.PromptTokens, response.CompletionTokens, response.TotalTokens));
        Assert.Equal("29f14a5a-11de-4cae-9800-25e4747408ea", response.ResponseId);
        Assert.Equal("command-a-vision-07-2025", response.ModelUsed);
    }

    [Fact]
    public async Task Stream_ThinkingTextAndCitations_GiveReasoningAndText()
    {
        var (response, _) = await StreamAsync(Backend(new CannedHttpHandler(WireFormat.Sample("Cohere", "chat-stream-text.txt"), "text/event-stream")), Hi());

        Assert.Equal("It is sunny.", response.Content);
        Assert.Equal("The tool said sunny.", response.Reasoning);
        Assert.Equal(FinishReasons.Stop, response.FinishReason);
        Assert.Null(response.ToolCalls);
        Assert.Equal((1203, 21), (response.PromptTokens, response.CompletionTokens));
    }

    [Theory]
    [InlineData("""{"type":"message-end","delta":{"error":"internal error during generation","finish_reason":"ERROR"}}""", LlmErrorKind.ServerError, "internal error during generation")]
    [InlineData("""{"type":"message-end","delta":{"finish_reason":"TIMEOUT"}}""", LlmErrorKind.Timeout, "finish reason TIMEOUT")]
    [InlineData("""{"id":"e1","message":"You are past the per minute request limit, please wait and try again later."}""", LlmErrorKind.RateLimited, "past the per minute request limit")]
    [InlineData("""{"type":"error","error":{"message":"too many tokens: size limit exceeded by 12 tokens."}}""", LlmErrorKind.ContextLengthExceeded, "size limit exceeded")]
    public async Task ErrorInsideAStream_IsTypedAndNamesTheBackend(string frame, LlmErrorKind kind, string detail)
    {
        var transcript =
            "event: message-start\ndata: {\"id\":\"m1\",\"type\":\"message-start\",\"delta\":{\"message\":{\"role\":\"assistant\"}}}\n\n" +
            "event: content-delta\ndata: {\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"text\":\"Hel\"}}}}\n\n" +
            $"data: {frame}\n\n";
        var backend = (IStreamingLlmBackend)Backend(new CannedHttpHandler(transcript, "text/event-stream"));
        var received = new StringBuilder();

        var error = await Assert.ThrowsAsync<LlmBackendException>(async () =>
        {
            await foreach (var update in backend.StreamChatAsync(Hi()))
            {
                received.Append(update.ContentDelta);
            }
        });

        Assert.Equal("Hel", received.ToString());
        Assert.Equal(kind, error.Error.Kind);
        Assert.Equal("cohere", error.Error.BackendName);
        Assert.Contains(detail, error.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_EndingWithoutMessageEnd_IsAnInvalidResponse()
    {
        var backend = (IStreamingLlmBackend)Backend(new CannedHttpHandler(
            "data: {\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"text\":\"Hel\"}}}}\n\n", "text/event-stream"));

        var error = await Assert.ThrowsAsync<LlmBackendException>(async () =>
        {
            await foreach (var unused in backend.StreamChatAsync(Hi()))
            {
            }
        });

        Assert.Equal(LlmErrorKind.InvalidResponse, error.Error.Kind);
        Assert.Equal("Backend 'cohere' returned an answer that cannot be used: the stream ended before its message-end event.", error.Error.Message);
    }

    [Theory]
    [InlineData(400, """{"id":"a","message":"too many tokens: size limit exceeded by 11326 tokens. Try using shorter or fewer inputs, or setting prompt_truncation='AUTO'."}""", LlmErrorKind.ContextLengthExceeded)]
    [InlineData(400, """{"id":"a","message":"too many tokens: max tokens must be less than or equal to 4096, the maximum output for this model - received 8192."}""", LlmErrorKind.InvalidRequest)]
    [InlineData(400, """{"id":"a","message":"invalid request: cannot specify both frequency_penalty and presence_penalty."}""", LlmErrorKind.InvalidRequest)]
    [InlineData(400, """{"id":"a","message":"blocked input: the request was blocked due to potential violations of the Usage Guidelines, please adjust your prompt and try again."}""", LlmErrorKind.ContentFiltered)]
    [InlineData(401, """{"id":"a","message":"invalid api token"}""", LlmErrorKind.Unauthorized)]
    [InlineData(402, """{"id":"a","message":"Please add or update your payment method at https://dashboard.cohere.com/billing?tab=payment to continue"}""", LlmErrorKind.Forbidden)]
    [InlineData(404, """{"id":"a","message":"model 'xyz' not found, make sure the correct model ID was used and that you have access to the model."}""", LlmErrorKind.NotFound)]
    [InlineData(422, """{"id":"a","message":"invalid request: schema must be an object"}""", LlmErrorKind.InvalidRequest)]
    [InlineData(498, """{"id":"a","message":"invalid token"}""", LlmErrorKind.Unauthorized)]
    [InlineData(499, """{"id":"a","message":"request cancelled"}""", LlmErrorKind.Network)]
    [InlineData(500, """{"id":"a","message":"internal server error, this has been reported to our developers"}""", LlmErrorKind.ServerError)]
    [InlineData(503, """{"id":"a","message":"service unavailable"}""", LlmErrorKind.ServerError)]
    public async Task ErrorStatus_CohereErrorBody_IsClassifiedAndKeepsTheMessage(int status, string body, LlmErrorKind kind)
    {
        var backend = Backend(new CannedHttpHandler(body, "application/json", (HttpStatusCode)status));

        var response = await backend.ChatAsync(Hi());

        Assert.Equal(kind, response.Error!.Kind);
        Assert.Equal(status, response.Error.StatusCode);
        Assert.Equal($"Backend 'cohere' answered HTTP {status}: {JsonNode.Parse(body)!["message"]!.GetValue<string>()}", response.ErrorMessage);
    }

    [Fact]
    public async Task ErrorStatus_WithAnHtmlBody_KeepsTheRawText()
    {
        var backend = Backend(new CannedHttpHandler("<html>Bad gateway</html>", "text/html", HttpStatusCode.BadGateway));

        var response = await backend.ChatAsync(Hi());

        Assert.Equal(LlmErrorKind.ServerError, response.Error!.Kind);
        Assert.Equal("Backend 'cohere' answered HTTP 502: <html>Bad gateway</html>", response.ErrorMessage);
    }

    [Fact]
    public async Task EmbedRequest_AndResponse_MatchTheDocumentedShapes()
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("Cohere", "embed-response.json"));
        var backend = (IEmbeddingLlmBackend)Backend(handler);

        var response = await backend.EmbedAsync(new EmbeddingRequest { Inputs = { "hello", "goodbye" }, InputType = "search_query", Dimensions = 256 });

        Assert.True(response.Success, response.Error?.Message);
        var (sent, body) = Assert.Single(handler.Requests);
        Assert.Equal("https://api.cohere.com/v2/embed", sent.RequestUri!.ToString());
        Assert.Equal("Bearer co-test", sent.Headers.Authorization!.ToString());
        WireFormat.AssertSameJson(WireFormat.Sample("Cohere", "embed-request.json"), body);
        Assert.Equal(new[] { 0.016296387f, -0.008354187f, -0.04699707f }, response.Embeddings[0]);
        Assert.Equal(new[] { -0.003950119f, 0.03048706f, -0.0072135925f }, response.Embeddings[1]);
        Assert.Equal("embed-v4.0", response.ModelUsed);
        Assert.Equal((2, 2), (response.PromptTokens, response.TotalTokens));
    }

    [Fact]
    public async Task EmbedRequest_WithoutInputType_EmbedsAsDocuments()
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("Cohere", "embed-response.json"));

        await ((IEmbeddingLlmBackend)Backend(handler)).EmbedAsync(new EmbeddingRequest { Inputs = { "hello", "goodbye" } });

        WireFormat.AssertSameJson(
            """{"model":"embed-v4.0","texts":["hello","goodbye"],"input_type":"search_document","embedding_types":["float"]}""",
            Assert.Single(handler.Requests).Body);
    }

    [Fact]
    public async Task EmbedResponse_WithTooFewVectors_IsAnInvalidResponse()
    {
        var backend = (IEmbeddingLlmBackend)Backend(new CannedHttpHandler(WireFormat.Sample("Cohere", "embed-response.json")));

        var response = await backend.EmbedAsync(new EmbeddingRequest { Inputs = { "one", "two", "three" } });

        Assert.False(response.Success);
        Assert.Equal(LlmErrorKind.InvalidResponse, response.Error!.Kind);
        Assert.Equal("Backend 'cohere' returned an answer that cannot be used: 2 float embeddings came back for 3 inputs.", response.Error.Message);
    }

    [Fact]
    public async Task Models_DocumentedPage_IsRead()
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("Cohere", "models-response.json"));

        var models = await ((IModelListingLlmBackend)Backend(handler)).ListModelsAsync();

        var (sent, _) = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Get, sent.Method);
        Assert.Equal("https://api.cohere.com/v1/models", sent.RequestUri!.ToString());
        Assert.Equal("Bearer co-test", sent.Headers.Authorization!.ToString());
        Assert.Equal(new[] { ("command-a-03-2025", (int?)256000), ("embed-v4.0", (int?)128000) }, models.Select(m => (m.Id, m.ContextLength)));
        Assert.All(models, m => Assert.Equal("cohere", m.BackendName));
    }

    [Fact]
    public async Task Models_AreFollowedAcrossPages()
    {
        var handler = new PagedModelsHandler();

        var models = await ((IModelListingLlmBackend)WireFormat.CreateBuiltIn(Config, handler)).ListModelsAsync();

        Assert.Equal(new[] { "command-a-03-2025", "embed-v4.0", "rerank-v3.5" }, models.Select(m => m.Id));
        Assert.Equal(
            new[] { "https://api.cohere.com/v1/models", "https://api.cohere.com/v1/models?page_token=page%202", "https://api.cohere.com/v1/models?page_token=3" },
            handler.Requested);
    }

    [Fact]
    public void Validation_WithoutApiKey_SaysHowToSetIt()
    {
        using var host = LlmTestHost.Create(s => s.Backends.Add(new LlmBackendConfig { Name = "co", Type = "Cohere", ModelName = "command-a-03-2025" }));

        var error = Assert.Throws<LlmConfigurationException>(() => host.Llm.GetBackends());

        Assert.Contains(error.Problems, p => p.Contains("ApiKey is required for Cohere (for example \"ApiKey\": \"${COHERE_API_KEY}\").", StringComparison.Ordinal));
    }

    /// <summary>Answers <c>GET /v1/models</c> in three pages linked by <c>next_page_token</c>.</summary>
    private sealed class PagedModelsHandler : HttpMessageHandler
    {
        public List<string> Requested { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri!.AbsoluteUri;
            Requested.Add(uri);
            var body = uri.EndsWith("page%202", StringComparison.Ordinal)
                ? """{"models":[{"name":"embed-v4.0","endpoints":["embed"]}],"next_page_token":"3"}"""
                : uri.EndsWith("page_token=3", StringComparison.Ordinal)
                    ? """{"models":[{"name":"rerank-v3.5","endpoints":["rerank"]}],"next_page_token":""}"""
                    : """{"models":[{"name":"command-a-03-2025","endpoints":["chat"]}],"next_page_token":"page 2"}""";
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
