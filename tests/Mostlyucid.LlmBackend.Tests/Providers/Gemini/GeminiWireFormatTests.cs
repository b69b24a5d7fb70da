using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Providers.Gemini;

/// <summary>The Gemini provider against samples written from Google's Gemini API reference.</summary>
public class GeminiWireFormatTests
{
    private const string ApiKey = "AIza-test-key";

    private static readonly LlmBackendConfig Config = new() { Name = "gemini", Type = "Gemini", ApiKey = ApiKey, ModelName = "gemini-2.5-flash" };

    private static ILlmBackend Backend(HttpMessageHandler handler, LlmBackendConfig? config = null) => WireFormat.CreateBuiltIn(config ?? Config, handler);

    private static CannedHttpHandler Canned(string sample, HttpStatusCode status = HttpStatusCode.OK) =>
        new(WireFormat.Sample("Gemini", sample), sample.EndsWith(".txt", StringComparison.Ordinal) ? "text/event-stream" : "application/json", status);

    private static ChatRequest Hi() => new() { Messages = { new ChatMessage { Content = "hi" } } };

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private static async Task<LlmResponse> StreamAsync(ILlmBackend backend, ChatRequest request)
    {
        var accumulator = new ChatStreamAccumulator();
        await foreach (var update in ((IStreamingLlmBackend)backend).StreamChatAsync(request))
        {
            accumulator.Add(update);
        }

        return accumulator.ToResponse();
    }

    [Fact]
    public async Task ChatRequest_MatchesTheDocumentedShape()
    {
        var handler = Canned("chat-response.json");
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };
        var request = new ChatRequest
        {
            Temperature = 0.2, TopP = 0.9, TopK = 40, MaxTokens = 256, Stop = new() { "END" }, Seed = 42, PresencePenalty = 0.1, FrequencyPenalty = 0.2,
            ThinkingBudgetTokens = 1024,
            ToolChoice = ToolChoice.ForFunction("get_weather"),
            ResponseFormat = ResponseFormat.ForSchema("weather", Json("""{"type":"object","properties":{"summary":{"type":"string"}},"required":["summary"]}""")),
            Tools = new()
            {
                new ToolDefinition
                {
                    Name = "get_weather", Description = "Current weather in a city",
                    Parameters = Json("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}"""),
                },
                new ToolDefinition { Name = "get_time", Description = "Current time in a zone", Parameters = Json("""{"type":"object","properties":{"zone":{"type":"string"}},"required":["zone"]}""") },
            },
            AdditionalProperties = new() { ["safetySettings"] = Json("""[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_ONLY_HIGH"}]""") },
            Messages =
            {
                new ChatMessage { Role = "system", Content = "You are a weather bot." },
                new ChatMessage
                {
                    Role = "user",
                    Parts = new() { ContentPart.FromText("Weather where this photo was taken?"), ContentPart.FromImageBytes(png, "image/png"), ContentPart.FromImageUrl("https://example.com/street.jpg") },
                },
                new ChatMessage
                {
                    Role = "assistant",
                    ReasoningSignature = "c2lnbmF0dXJl",
                    ToolCalls = new()
                    {
                        new ToolCall { Id = "fc-7d2a", Name = "get_weather", Arguments = """{"city":"Paris"}""" },
                        new ToolCall { Id = "synthetic_call_1_get_time", Name = "get_time", Arguments = """{"zone":"Europe/Paris"}""" },
                    },
                },
                new ChatMessage { Role = "tool", ToolCallId = "fc-7d2a", Content = """{"temperature":21,"sky":"sunny"}""" },
                new ChatMessage { Role = "tool", ToolCallId = "synthetic_call_1_get_time", Name = "get_time", Content = "12:00" },
            },
        };

        var response = await Backend(handler).ChatAsync(request);

        Assert.True(response.Success, response.ErrorMessage);
        var (sent, body) = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, sent.Method);
        Assert.Equal("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent", sent.RequestUri!.ToString());
        WireFormat.AssertSameJson(WireFormat.Sample("Gemini", "chat-request.json"), body);
    }

    [Fact]
    public async Task Requests_CarryTheKeyInTheHeader_AndNeverInTheUrl()
    {
        var handler = Canned("chat-response.json");

        await Backend(handler).ChatAsync(Hi());

        var (sent, _) = Assert.Single(handler.Requests);
        Assert.Equal(ApiKey, sent.Headers.GetValues("x-goog-api-key").Single());
        Assert.Null(sent.Headers.Authorization);
        Assert.Empty(sent.RequestUri!.Query);
        Assert.DoesNotContain(ApiKey, sent.RequestUri.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamRequest_UsesStreamGenerateContentWithAltSse()
    {
        var handler = Canned("chat-stream.txt");

        await StreamAsync(Backend(handler), Hi());

        var (sent, body) = Assert.Single(handler.Requests);
        Assert.Equal("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", sent.RequestUri!.ToString());
        Assert.Equal("text/event-stream", sent.Headers.Accept.Single().MediaType);
        Assert.Equal(ApiKey, sent.Headers.GetValues("x-goog-api-key").Single());
        WireFormat.AssertSameJson("""{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}""", body);
    }

    [Theory]
    [InlineData(null, null, "gemini-2.5-flash", "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent")]
    [InlineData(null, null, "models/gemini-2.5-flash", "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent")]
    [InlineData(null, null, "tunedModels/my-tuned", "https://generativelanguage.googleapis.com/v1beta/tunedModels/my-tuned:generateContent")]
    [InlineData(null, "v1", "gemini-2.5-flash", "https://generativelanguage.googleapis.com/v1/models/gemini-2.5-flash:generateContent")]
    [InlineData("https://proxy.example.com/gemini/", null, "gemini-2.5-flash", "https://proxy.example.com/gemini/v1beta/models/gemini-2.5-flash:generateContent")]
    [InlineData("https://generativelanguage.googleapis.com/v1alpha", null, "gemini-2.5-flash", "https://generativelanguage.googleapis.com/v1alpha/models/gemini-2.5-flash:generateContent")]
    public async Task ChatUrl_IsBuiltFromBaseUrlVersionAndModel(string? baseUrl, string? apiVersion, string model, string expected)
    {
        var handler = Canned("chat-response.json");
        var config = new LlmBackendConfig { Name = "gemini", Type = "Gemini", ApiKey = ApiKey, ModelName = model, BaseUrl = baseUrl, ApiVersion = apiVersion };

        await Backend(handler, config).ChatAsync(Hi());

        Assert.Equal(expected, Assert.Single(handler.Requests).Request.RequestUri!.ToString());
    }

    [Fact]
    public async Task ChatResponse_DocumentedSample_IsReadCompletely_AndUnknownFieldsAreIgnored()
    {
        var response = await Backend(Canned("chat-response.json")).ChatAsync(Hi());

        Assert.True(response.Success, response.ErrorMessage);
        Assert.Equal("It is sunny in Paris, 21 degrees.", response.Content);
        Assert.Equal("The photo shows Paris; the user wants its weather.", response.Reasoning);
        Assert.Equal("Q2lZQkF4M0dk", response.ReasoningSignature);
        Assert.Equal(FinishReasons.Stop, response.FinishReason);
        Assert.Equal("gemini-2.5-flash", response.ModelUsed);
        Assert.Equal("mAitaLmkHPPlz7IPvtfUqQ4", response.ResponseId);
        Assert.Null(response.ToolCalls);
        Assert.Equal((9, 42, 51, 4, 30), (response.PromptTokens, response.CompletionTokens, response.TotalTokens, response.CachedPromptTokens, response.ReasoningTokens));
    }

    [Fact]
    public async Task FunctionCalls_WithoutIds_GetStableIds_AndTheRoundTripSendsNoneBack()
    {
        var handler = Canned("function-call-response.json");
        var backend = Backend(handler);
        var request = new ChatRequest
        {
            Messages = { new ChatMessage { Content = "Weather and time in Paris?" } },
            Tools = new() { new ToolDefinition { Name = "get_weather" }, new ToolDefinition { Name = "get_time" } },
        };

        var first = await backend.ChatAsync(request);

        Assert.Equal(FinishReasons.ToolCalls, first.FinishReason);
        Assert.Equal(
            new[] { ("synthetic_call_0_get_weather", "get_weather", """{"city":"Paris"}"""), ("synthetic_call_1_get_time", "get_time", """{"zone":"Europe/Paris"}""") },
            first.ToolCalls!.Select(c => (c.Id, c.Name, c.Arguments)));
        Assert.Equal("CqQBAcu98PBtVQ", first.ReasoningSignature);

        request.Messages.Add(first.ToAssistantMessage());
        request.Messages.Add(new ChatMessage { Role = ChatRole.Tool, ToolCallId = first.ToolCalls![0].Id, Content = "sunny" });
        request.Messages.Add(new ChatMessage { Role = ChatRole.Tool, ToolCallId = first.ToolCalls[1].Id, Content = """{"time":"12:00"}""" });
        await backend.ChatAsync(request);

        var contents = JsonNode.Parse(handler.Requests[1].Body)!["contents"]!;
        WireFormat.AssertSameJson(
            """
            [
              { "role": "user", "parts": [ { "text": "Weather and time in Paris?" } ] },
              { "role": "model", "parts": [
                  { "functionCall": { "name": "get_weather", "args": { "city": "Paris" } }, "thoughtSignature": "CqQBAcu98PBtVQ" },
                  { "functionCall": { "name": "get_time", "args": { "zone": "Europe/Paris" } } } ] },
              { "role": "user", "parts": [
                  { "functionResponse": { "name": "get_weather", "response": { "result": "sunny" } } },
                  { "functionResponse": { "name": "get_time", "response": { "time": "12:00" } } } ] }
            ]
            """,
            contents.ToJsonString());
    }

    [Fact]
    public async Task ToolResult_ForAnUnknownCallWithoutName_IsAClearInvalidRequest()
    {
        var handler = Canned("chat-response.json");
        var request = Hi();
        request.Messages.Add(new ChatMessage { Role = ChatRole.Tool, ToolCallId = "fc-missing", Content = "x" });

        var response = await Backend(handler).ChatAsync(request);

        Assert.Equal(LlmErrorKind.InvalidRequest, response.Error!.Kind);
        Assert.Contains("'fc-missing' has no Name", response.ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Theory]
    [InlineData(ToolChoiceMode.Auto, """{"functionCallingConfig":{"mode":"AUTO"}}""")]
    [InlineData(ToolChoiceMode.None, """{"functionCallingConfig":{"mode":"NONE"}}""")]
    [InlineData(ToolChoiceMode.Required, """{"functionCallingConfig":{"mode":"ANY"}}""")]
    public async Task ToolChoice_MapsToFunctionCallingModes(ToolChoiceMode mode, string expected)
    {
        var handler = Canned("chat-response.json");
        var request = Hi();
        request.Tools = new() { new ToolDefinition { Name = "f" } };
        request.ToolChoice = new ToolChoice { Mode = mode };

        await Backend(handler).ChatAsync(request);

        WireFormat.AssertSameJson(expected, JsonNode.Parse(handler.Requests[0].Body)!["toolConfig"]!.ToJsonString());
    }

    [Fact]
    public async Task JsonObjectFormat_AsksForJsonWithoutASchema()
    {
        var handler = Canned("chat-response.json");
        var request = Hi();
        request.ResponseFormat = ResponseFormat.Json();

        await Backend(handler).ChatAsync(request);

        WireFormat.AssertSameJson("""{"responseMimeType":"application/json"}""", JsonNode.Parse(handler.Requests[0].Body)!["generationConfig"]!.ToJsonString());
    }

    [Fact]
    public async Task Stream_DocumentedTranscript_IsReadCompletely()
    {
        var response = await StreamAsync(Backend(Canned("chat-stream.txt")), Hi());

        Assert.Equal("Hello world", response.Content);
        Assert.Equal("Thinking about greetings.", response.Reasoning);
        Assert.Equal(FinishReasons.Stop, response.FinishReason);
        Assert.Equal((5, 10, 15, 8), (response.PromptTokens, response.CompletionTokens, response.TotalTokens, response.ReasoningTokens));
        Assert.Equal("gemini-2.5-flash", response.ModelUsed);
        Assert.Equal("Vg2taJ2fNqGXz7IP3K-ggQg", response.ResponseId);
    }

    [Fact]
    public async Task Stream_FunctionCalls_ArriveWhole_WithIndexesStableAcrossEvents()
    {
        var backend = (IStreamingLlmBackend)Backend(Canned("function-call-stream.txt"));
        var updates = new List<ChatStreamUpdate>();
        await foreach (var update in backend.StreamChatAsync(Hi()))
        {
            updates.Add(update);
        }

        var calls = updates.Where(u => u.ToolCalls is not null).SelectMany(u => u.ToolCalls!).ToList();
        Assert.Equal(
            new[] { (0, "fc-1", "get_weather", """{"city":"Paris"}"""), (1, "fc-2", "get_time", """{"zone":"CET"}"""), (2, "synthetic_call_2_get_weather", "get_weather", """{"city":"London"}""") },
            calls.Select(c => (c.Index, c.Id!, c.Name!, c.ArgumentsDelta!)));
        var accumulator = new ChatStreamAccumulator();
        updates.ForEach(accumulator.Add);
        var response = accumulator.ToResponse();
        Assert.Equal("Checking both.", response.Content);
        Assert.Equal(FinishReasons.ToolCalls, response.FinishReason);
        Assert.Equal("U2lnMQ==", response.ReasoningSignature);
        Assert.Equal((40, 30, 70), (response.PromptTokens, response.CompletionTokens, response.TotalTokens));
        Assert.Single(updates, u => u.Usage is not null);
    }

    [Fact]
    public async Task BlockedPrompt_IsContentFiltered_WithTheBlockReason()
    {
        var response = await Backend(Canned("blocked-prompt-response.json")).ChatAsync(Hi());

        Assert.False(response.Success);
        Assert.Equal(LlmErrorKind.ContentFiltered, response.Error!.Kind);
        Assert.Equal("SAFETY", response.Error.ProviderCode);
        Assert.Null(response.Error.StatusCode);
        Assert.Equal("Backend 'gemini' refused the prompt: Gemini blocked it (SAFETY).", response.ErrorMessage);
    }

    [Fact]
    public async Task BlockedPrompt_InAStream_ThrowsContentFilteredBeforeAnyUpdate()
    {
        var json = JsonNode.Parse(WireFormat.Sample("Gemini", "blocked-prompt-response.json"))!.ToJsonString();
        var backend = (IStreamingLlmBackend)Backend(new CannedHttpHandler($"data: {json}\n\n", "text/event-stream"));
        var updates = 0;

        var error = await Assert.ThrowsAsync<LlmBackendException>(async () =>
        {
            await foreach (var unused in backend.StreamChatAsync(Hi()))
            {
                updates++;
            }
        });

        Assert.Equal(0, updates);
        Assert.Equal(LlmErrorKind.ContentFiltered, error.Error.Kind);
        Assert.Equal("gemini", error.Error.BackendName);
    }

    [Fact]
    public async Task CandidateStoppedForSafety_FinishesWithContentFilter()
    {
        var response = await Backend(Canned("safety-finish-response.json")).ChatAsync(Hi());

        Assert.True(response.Success, response.ErrorMessage);
        Assert.Equal(FinishReasons.ContentFilter, response.FinishReason);
        Assert.Equal(string.Empty, response.Content);
        Assert.Equal(18, response.PromptTokens);
    }

    [Theory]
    [InlineData("MAX_TOKENS", false, FinishReasons.Length)]
    [InlineData("STOP", true, FinishReasons.ToolCalls)]
    [InlineData("RECITATION", false, FinishReasons.ContentFilter)]
    [InlineData("BLOCKLIST", false, FinishReasons.ContentFilter)]
    [InlineData("PROHIBITED_CONTENT", false, FinishReasons.ContentFilter)]
    [InlineData("SPII", false, FinishReasons.ContentFilter)]
    [InlineData("IMAGE_SAFETY", false, FinishReasons.ContentFilter)]
    [InlineData("MALFORMED_FUNCTION_CALL", false, FinishReasons.Stop)]
    [InlineData("OTHER", false, FinishReasons.Stop)]
    public async Task FinishReasons_AreMapped(string wire, bool withCall, string expected)
    {
        var part = withCall ? """{"functionCall":{"name":"f","args":{}}}""" : """{"text":"x"}""";
        var body = $$"""{"candidates":[{"content":{"role":"model","parts":[{{part}}]},"finishReason":"{{wire}}","index":0}]}""";

        var response = await Backend(new CannedHttpHandler(body)).ChatAsync(Hi());

        Assert.Equal(expected, response.FinishReason);
    }

    [Fact]
    public async Task FunctionCallArguments_AreCompactJson_WithTextKeptReadable()
    {
        var body = """{"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"f","args":{ "city" : "Zürich", "n": [1, 2] }}}]},"finishReason":"STOP"}]}""";

        var response = await Backend(new CannedHttpHandler(body)).ChatAsync(Hi());

        Assert.Equal("""{"city":"Zürich","n":[1,2]}""", Assert.Single(response.ToolCalls!).Arguments);
    }

    [Fact]
    public async Task ChatResponse_WithoutCandidatesOrPromptFeedback_IsAClearInvalidResponse()
    {
        var backend = Backend(new CannedHttpHandler("""{"usageMetadata":{"promptTokenCount":4,"totalTokenCount":4},"modelVersion":"gemini-2.5-flash"}"""));

        var response = await backend.ChatAsync(Hi());

        Assert.Equal(LlmErrorKind.InvalidResponse, response.Error!.Kind);
        Assert.Equal("Backend 'gemini' returned an answer that cannot be used: the response has no candidates and no promptFeedback.blockReason saying why.", response.ErrorMessage);
    }

    [Theory]
    [InlineData("error-api-key-invalid.json", HttpStatusCode.BadRequest, LlmErrorKind.Unauthorized, "API_KEY_INVALID")]
    [InlineData("error-key-missing.json", HttpStatusCode.Forbidden, LlmErrorKind.Unauthorized, "PERMISSION_DENIED")]
    [InlineData("error-context-too-long.json", HttpStatusCode.BadRequest, LlmErrorKind.ContextLengthExceeded, "INVALID_ARGUMENT")]
    [InlineData("error-rate-limited.json", HttpStatusCode.TooManyRequests, LlmErrorKind.RateLimited, "RESOURCE_EXHAUSTED")]
    [InlineData("error-model-not-found.json", HttpStatusCode.NotFound, LlmErrorKind.NotFound, "NOT_FOUND")]
    [InlineData("error-unavailable.json", HttpStatusCode.ServiceUnavailable, LlmErrorKind.ServerError, "UNAVAILABLE")]
    public async Task DocumentedErrors_AreTyped_KeepTheirStatus_AndNeverShowTheKey(string sample, HttpStatusCode status, LlmErrorKind kind, string providerCode)
    {
        var response = await Backend(Canned(sample, status)).ChatAsync(Hi());

        Assert.False(response.Success);
        Assert.Equal(kind, response.Error!.Kind);
        Assert.Equal((int)status, response.Error.StatusCode);
        Assert.Equal(providerCode, response.Error.ProviderCode);
        Assert.Equal("gemini", response.Error.BackendName);
        Assert.StartsWith($"Backend 'gemini' answered HTTP {(int)status}: ", response.ErrorMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKey, response.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimit_WithoutRetryAfterHeader_WaitsForRetryInfoDelay()
    {
        var response = await Backend(Canned("error-rate-limited.json", HttpStatusCode.TooManyRequests)).ChatAsync(Hi());

        Assert.Equal(TimeSpan.FromSeconds(41), response.Error!.RetryAfter);
    }

    [Fact]
    public async Task ErrorBody_WrappedInAnArray_IsStillRead()
    {
        var body = "[" + WireFormat.Sample("Gemini", "error-api-key-invalid.json") + "]";

        var response = await Backend(new CannedHttpHandler(body, "application/json", HttpStatusCode.BadRequest)).ChatAsync(Hi());

        Assert.Equal(LlmErrorKind.Unauthorized, response.Error!.Kind);
        Assert.Equal("Backend 'gemini' answered HTTP 400: API key not valid. Please pass a valid API key.", response.ErrorMessage);
    }

    [Fact]
    public async Task ErrorInsideAStream_IsTypedAndNamesTheBackend()
    {
        var backend = (IStreamingLlmBackend)Backend(new CannedHttpHandler(
            "data: {\"error\":{\"code\":503,\"message\":\"The model is overloaded. Please try again later.\",\"status\":\"UNAVAILABLE\"}}\n\n", "text/event-stream"));

        var error = await Assert.ThrowsAsync<LlmBackendException>(async () =>
        {
            await foreach (var unused in backend.StreamChatAsync(Hi()))
            {
            }
        });

        Assert.Equal(LlmErrorKind.ServerError, error.Error.Kind);
        Assert.Equal("UNAVAILABLE", error.Error.ProviderCode);
        Assert.Equal("Backend 'gemini' sent an error in its answer: The model is overloaded. Please try again later.", error.Error.Message);
    }

    [Fact]
    public async Task Embeddings_MatchTheDocumentedRequestAndResponse()
    {
        var handler = Canned("embed-response.json");
        var backend = (IEmbeddingLlmBackend)Backend(handler, new LlmBackendConfig { Name = "gemini", Type = "Gemini", ApiKey = ApiKey, EmbeddingModelName = "gemini-embedding-001" });

        var response = await backend.EmbedAsync(new EmbeddingRequest
        {
            Inputs = { "What is the meaning of life?", "How does the brain work?" },
            Dimensions = 3,
            InputType = "search_document",
        });

        Assert.True(response.Success, response.Error?.Message);
        var (sent, body) = Assert.Single(handler.Requests);
        Assert.Equal("https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:batchEmbedContents", sent.RequestUri!.ToString());
        Assert.Equal(ApiKey, sent.Headers.GetValues("x-goog-api-key").Single());
        WireFormat.AssertSameJson(WireFormat.Sample("Gemini", "embed-request.json"), body);
        Assert.Equal(new[] { -0.022374554f, -0.004560777f, 0.013309286f }, response.Embeddings[0]);
        Assert.Equal(new[] { 0.008752191f, -0.031416103f, -0.0023618187f }, response.Embeddings[1]);
        Assert.Equal("gemini-embedding-001", response.ModelUsed);
        Assert.Equal((0, 0), (response.PromptTokens, response.TotalTokens));
    }

    [Theory]
    [InlineData("search_query", "RETRIEVAL_QUERY")]
    [InlineData("classification", "CLASSIFICATION")]
    [InlineData("clustering", "CLUSTERING")]
    [InlineData("semantic_similarity", "SEMANTIC_SIMILARITY")]
    public async Task Embeddings_InputTypeBecomesTheTaskType(string inputType, string taskType)
    {
        var handler = new CannedHttpHandler("""{"embeddings":[{"values":[1,0]}]}""");
        var backend = (IEmbeddingLlmBackend)Backend(handler, new LlmBackendConfig { Name = "gemini", Type = "Gemini", ApiKey = ApiKey, EmbeddingModelName = "models/text-embedding-004" });

        await backend.EmbedAsync(new EmbeddingRequest { Inputs = { "x" }, InputType = inputType });

        var sent = JsonNode.Parse(handler.Requests[0].Body)!["requests"]![0]!;
        Assert.Equal(taskType, sent["taskType"]!.GetValue<string>());
        Assert.Equal("models/text-embedding-004", sent["model"]!.GetValue<string>());
        Assert.Null(sent["outputDimensionality"]);
    }

    [Fact]
    public async Task Embeddings_MoreThanOneHundredTexts_AreSentInBatchesOfOneHundred()
    {
        var handler = new RoutedHttpHandler((_, body) =>
        {
            var count = JsonNode.Parse(body)!["requests"]!.AsArray().Count;
            return (HttpStatusCode.OK, $$"""{"embeddings":[{{string.Join(',', Enumerable.Repeat("""{"values":[1]}""", count))}}]}""");
        });
        var backend = (IEmbeddingLlmBackend)Backend(handler, new LlmBackendConfig { Name = "gemini", Type = "Gemini", ApiKey = ApiKey, EmbeddingModelName = "gemini-embedding-001" });

        var response = await backend.EmbedAsync(new EmbeddingRequest { Inputs = Enumerable.Range(0, 250).Select(i => $"text {i}").ToList() });

        Assert.True(response.Success, response.Error?.Message);
        Assert.Equal(250, response.Embeddings.Count);
        Assert.Equal(new[] { 100, 100, 50 }, handler.Bodies.Select(b => JsonNode.Parse(b)!["requests"]!.AsArray().Count));
    }

    [Fact]
    public async Task Models_AreListedAcrossPages()
    {
        var handler = new RoutedHttpHandler((request, _) => (HttpStatusCode.OK, WireFormat.Sample("Gemini", request.RequestUri!.Query.Length == 0 ? "models-page-1.json" : "models-page-2.json")));
        var backend = (IModelListingLlmBackend)Backend(handler);

        var models = await backend.ListModelsAsync();

        Assert.Equal(
            new[] { "https://generativelanguage.googleapis.com/v1beta/models", "https://generativelanguage.googleapis.com/v1beta/models?pageToken=Chhtb2RlbHMvZ2VtaW5pLTIuMC1mbGFzaA%3D%3D" },
            handler.Uris);
        Assert.Equal(
            new[] { ("gemini-2.0-flash", "Gemini 2.0 Flash", (int?)1048576), ("gemini-embedding-001", "Gemini Embedding 001", 2048) },
            models.Select(m => (m.Id, m.DisplayName!, m.ContextLength)));
        Assert.All(models, m => Assert.Equal("gemini", m.BackendName));
    }

    [Fact]
    public async Task Models_ARepeatedPageToken_EndsTheListing()
    {
        var handler = new RoutedHttpHandler((_, _) => (HttpStatusCode.OK, WireFormat.Sample("Gemini", "models-page-1.json")));

        var models = await ((IModelListingLlmBackend)Backend(handler)).ListModelsAsync();

        Assert.Equal(2, handler.Uris.Count);
        Assert.Equal(2, models.Count);
    }

    [Fact]
    public async Task IsAvailable_ListsModels_AndAWrongKeyIsUnavailable()
    {
        var ok = Backend(Canned("models-page-2.json"));
        var wrongKey = Backend(Canned("error-api-key-invalid.json", HttpStatusCode.BadRequest));

        Assert.True(await ok.IsAvailableAsync());
        Assert.False(await wrongKey.IsAvailableAsync());
    }

    /// <summary>Answers each request from a callback, keeping the addresses and bodies, for exchanges of several calls.</summary>
    private sealed class RoutedHttpHandler(Func<HttpRequestMessage, string, (HttpStatusCode Status, string Body)> answer) : HttpMessageHandler
    {
        public List<string> Uris { get; } = new();

        public List<string> Bodies { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            Uris.Add(request.RequestUri!.AbsoluteUri);
            Bodies.Add(body);
            var (status, text) = answer(request, body);
            return new HttpResponseMessage(status) { Content = new StringContent(text, Encoding.UTF8, "application/json") };
        }
    }

    [Fact]
    public async Task ParallelCalls_EachSignedByGemini_SendEachSignatureBackWithItsCall()
    {
        var handler = new CannedHttpHandler("""
            {"candidates":[{"content":{"role":"model","parts":[
              {"functionCall":{"id":"fc-1","name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"U0lHLTE="},
              {"functionCall":{"id":"fc-2","name":"get_time","args":{"zone":"CET"}},"thoughtSignature":"U0lHLTI="}]},
              "finishReason":"STOP","index":0}],"modelVersion":"gemini-3-pro"}
            """);
        var backend = Backend(handler);
        var request = Hi();

        var first = await backend.ChatAsync(request);
        request.Messages.Add(first.ToAssistantMessage());
        request.Messages.Add(new ChatMessage { Role = ChatRole.Tool, ToolCallId = "fc-1", Name = "get_weather", Content = "sun" });
        request.Messages.Add(new ChatMessage { Role = ChatRole.Tool, ToolCallId = "fc-2", Name = "get_time", Content = "noon" });
        await backend.ChatAsync(request);

        Assert.Equal(new[] { "U0lHLTE=", "U0lHLTI=" }, first.ToolCalls!.Select(c => c.Signature));
        var sent = System.Text.Json.Nodes.JsonNode.Parse(handler.Requests[1].Body)!["contents"]![1]!["parts"]!.AsArray();
        Assert.Equal(new[] { "U0lHLTE=", "U0lHLTI=" }, sent.Select(p => p!["thoughtSignature"]!.GetValue<string>()));
    }
}
