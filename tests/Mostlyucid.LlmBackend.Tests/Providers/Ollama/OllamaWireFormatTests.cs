using System.Net;
using System.Text.Json;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Providers.Ollama;

/// <summary>The Ollama provider against samples written from Ollama's API documentation (docs/api.md).</summary>
public class OllamaWireFormatTests
{
    private static readonly LlmBackendConfig Config = new() { Name = "ollama", Type = "Ollama", ModelName = "llama3.2" };

    private static ChatRequest Hi() => new() { Messages = { new ChatMessage { Content = "hi" } } };

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static async Task<(List<ChatStreamUpdate> Updates, LlmBackendException? Error)> StreamAsync(ILlmBackend backend, ChatRequest request)
    {
        var updates = new List<ChatStreamUpdate>();
        try
        {
            await foreach (var update in ((IStreamingLlmBackend)backend).StreamChatAsync(request))
            {
                updates.Add(update);
            }

            return (updates, null);
        }
        catch (LlmBackendException ex)
        {
            return (updates, ex);
        }
    }

    [Fact]
    public async Task ChatRequest_MatchesTheDocumentedShape()
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("Ollama", "chat-response.json"));
        var backend = WireFormat.CreateBuiltIn(new LlmBackendConfig { Name = "ollama", Type = "Ollama", ModelName = "llava" }, handler);
        var request = new ChatRequest
        {
            Temperature = 0.8, TopP = 0.9, TopK = 20, MaxTokens = 100, Stop = new() { "\n", "user:" }, Seed = 42, PresencePenalty = 1.5, FrequencyPenalty = 1.0,
            ReasoningEffort = "medium",
            ResponseFormat = ResponseFormat.ForSchema("person", Json("""{"type":"object","properties":{"age":{"type":"integer"},"available":{"type":"boolean"}},"required":["age","available"]}""")),
            AdditionalProperties = new() { ["keep_alive"] = Json("\"10m\""), ["options"] = Json("""{"num_ctx":1024}""") },
            Tools = new()
            {
                new ToolDefinition
                {
                    Name = "get_current_weather", Description = "Get the current weather for a location",
                    Parameters = Json("""
                        {"type":"object","properties":{
                          "location":{"type":"string","description":"The location to get the weather for, e.g. San Francisco, CA"},
                          "format":{"type":"string","description":"The format to return the weather in, e.g. 'celsius' or 'fahrenheit'","enum":["celsius","fahrenheit"]}},
                         "required":["location","format"]}
                        """),
                },
            },
            Messages =
            {
                new ChatMessage { Role = "system", Content = "You are a weather bot." },
                new ChatMessage
                {
                    Role = "user",
                    Parts = new() { ContentPart.FromText("What is the weather where this photo was taken?"), ContentPart.FromImageBytes(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, "image/png") },
                },
                new ChatMessage
                {
                    Role = "assistant", Reasoning = "The photo shows the Eiffel Tower, so Paris.",
                    ToolCalls = new() { new ToolCall { Id = "call_0_get_current_weather", Name = "get_current_weather", Arguments = """{"format":"celsius","location":"Paris, FR"}""" } },
                },
                new ChatMessage { Role = "tool", ToolCallId = "call_0_get_current_weather", Content = "22 degrees and sunny" },
            },
        };

        var response = await backend.ChatAsync(request);

        Assert.True(response.Success, response.ErrorMessage);
        var (sent, body) = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, sent.Method);
        Assert.Equal("http://localhost:11434/api/chat", sent.RequestUri!.ToString());
        Assert.Null(sent.Headers.Authorization);
        WireFormat.AssertSameJson(WireFormat.Sample("Ollama", "chat-request.json"), body);
    }

    [Theory]
    [InlineData(null, "http://localhost:11434/api/chat")]
    [InlineData("http://gpu-box:11434", "http://gpu-box:11434/api/chat")]
    [InlineData("http://gpu-box:11434/", "http://gpu-box:11434/api/chat")]
    [InlineData("http://gpu-box:11434/api", "http://gpu-box:11434/api/chat")]
    [InlineData("https://proxy.example.com/ollama/", "https://proxy.example.com/ollama/api/chat")]
    public async Task ChatRequest_GoesToApiChatUnderTheBaseUrl(string? baseUrl, string expected)
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("Ollama", "chat-response.json"));
        var backend = WireFormat.CreateBuiltIn(new LlmBackendConfig { Name = "ollama", Type = "Ollama", ModelName = "llama3.2", BaseUrl = baseUrl }, handler);

        await backend.ChatAsync(Hi());

        Assert.Equal(expected, Assert.Single(handler.Requests).Request.RequestUri!.ToString());
    }

    [Fact]
    public async Task ChatRequest_WithAKey_SendsItAsABearerToken_AndAMinimalBody()
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("Ollama", "chat-response.json"));
        var backend = WireFormat.CreateBuiltIn(new LlmBackendConfig { Name = "ollama", Type = "Ollama", ModelName = "llama3.2", BaseUrl = "https://ollama.com", ApiKey = "ol-key" }, handler);

        await backend.ChatAsync(Hi());

        var (sent, body) = Assert.Single(handler.Requests);
        Assert.Equal("Bearer ol-key", sent.Headers.Authorization!.ToString());
        WireFormat.AssertSameJson("""{"model":"llama3.2","messages":[{"role":"user","content":"hi"}],"stream":false}""", body);
    }

    [Theory]
    [InlineData(ToolChoiceMode.None, new string[0])]
    [InlineData(ToolChoiceMode.Function, new[] { "get_time" })]
    [InlineData(ToolChoiceMode.Auto, new[] { "get_weather", "get_time" })]
    public async Task ToolChoice_WithoutAnOllamaEquivalent_DecidesWhichToolsAreOffered(ToolChoiceMode mode, string[] offered)
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("Ollama", "chat-response.json"));
        var backend = WireFormat.CreateBuiltIn(Config, handler);
        var request = Hi();
        request.Tools = new() { new ToolDefinition { Name = "get_weather" }, new ToolDefinition { Name = "get_time" } };
        request.ToolChoice = mode == ToolChoiceMode.Function ? ToolChoice.ForFunction("get_time") : new ToolChoice { Mode = mode };

        await backend.ChatAsync(request);

        var body = JsonDocument.Parse(Assert.Single(handler.Requests).Body).RootElement;
        var names = body.TryGetProperty("tools", out var tools) ? tools.EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()).ToArray() : Array.Empty<string>();
        Assert.Equal(offered, names);
    }

    [Theory]
    [InlineData(null, null, null)]
    [InlineData(2048, null, true)]
    [InlineData(0, null, false)]
    [InlineData(null, "high", true)]
    [InlineData(null, "none", false)]
    public async Task Thinking_IsTurnedOnOrOffByBudgetOrEffort(int? budget, string? effort, bool? think)
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("Ollama", "chat-response.json"));
        var backend = WireFormat.CreateBuiltIn(Config, handler);
        var request = Hi();
        request.ThinkingBudgetTokens = budget;
        request.ReasoningEffort = effort;

        await backend.ChatAsync(request);

        var body = JsonDocument.Parse(Assert.Single(handler.Requests).Body).RootElement;
        Assert.Equal(think, body.TryGetProperty("think", out var value) ? value.GetBoolean() : null);
    }

    [Fact]
    public async Task ChatResponse_DocumentedToolCall_IsReadCompletely_AndUnknownFieldsAreIgnored()
    {
        var backend = WireFormat.CreateBuiltIn(Config, new CannedHttpHandler(WireFormat.Sample("Ollama", "chat-response.json")));

        var response = await backend.ChatAsync(Hi());

        Assert.True(response.Success, response.ErrorMessage);
        Assert.Equal("llama3.2", response.ModelUsed);
        Assert.Equal(string.Empty, response.Content);
        Assert.Equal(FinishReasons.ToolCalls, response.FinishReason);
        var call = Assert.Single(response.ToolCalls!);
        Assert.Equal(("call_0_get_current_weather", "get_current_weather"), (call.Id, call.Name));
        WireFormat.AssertSameJson("""{"format":"celsius","location":"Paris, FR"}""", call.Arguments);
        Assert.Equal((122, 33, 155), (response.PromptTokens, response.CompletionTokens, response.TotalTokens));
    }

    [Fact]
    public async Task ChatResponse_WithThinkingAndACallId_KeepsBoth()
    {
        var backend = WireFormat.CreateBuiltIn(Config, new CannedHttpHandler(WireFormat.Sample("Ollama", "chat-response-thinking.json")));

        var response = await backend.ChatAsync(Hi());

        Assert.Equal("The user wants the weather in Toronto, so I should call the weather tool.", response.Reasoning);
        var call = Assert.Single(response.ToolCalls!);
        Assert.Equal("call_p7o2gz50", call.Id);
        WireFormat.AssertSameJson("""{"format":"celsius","location":"Toronto"}""", call.Arguments);
        Assert.Equal(response.Reasoning, response.ToAssistantMessage().Reasoning);
    }

    [Theory]
    [InlineData("length", FinishReasons.Length)]
    [InlineData("stop", FinishReasons.Stop)]
    [InlineData("load", FinishReasons.Stop)]
    public async Task ChatResponse_DoneReason_IsMapped(string doneReason, string expected)
    {
        var backend = WireFormat.CreateBuiltIn(Config, new CannedHttpHandler(
            $$"""{"model":"llama3.2","created_at":"2023-12-12T14:13:43.416799Z","message":{"role":"assistant","content":"Hello"},"done_reason":"{{doneReason}}","done":true,"prompt_eval_count":26,"eval_count":298}"""));

        var response = await backend.ChatAsync(Hi());

        Assert.Equal(("Hello", expected), (response.Content, response.FinishReason));
    }

    [Fact]
    public async Task ChatResponse_WithoutAMessage_IsAClearInvalidResponse()
    {
        var backend = WireFormat.CreateBuiltIn(Config, new CannedHttpHandler("""{"model":"llama3.2","created_at":"2023-08-04T19:22:45.499127Z","done":true,"total_duration":4883583458}"""));

        var response = await backend.ChatAsync(Hi());

        Assert.Equal(LlmErrorKind.InvalidResponse, response.Error!.Kind);
        Assert.Equal("Backend 'ollama' returned an answer that cannot be used: the response has no message.", response.ErrorMessage);
    }

    [Fact]
    public async Task Stream_DocumentedTranscriptWithToolCalls_IsReadCompletely()
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("Ollama", "chat-stream.ndjson"), "application/x-ndjson");
        var backend = WireFormat.CreateBuiltIn(Config, handler);

        var (updates, error) = await StreamAsync(backend, Hi());

        Assert.Null(error);
        Assert.True(JsonDocument.Parse(Assert.Single(handler.Requests).Body).RootElement.GetProperty("stream").GetBoolean());
        var accumulator = new ChatStreamAccumulator();
        updates.ForEach(accumulator.Add);
        var response = accumulator.ToResponse();
        Assert.Equal("Let me check.", response.Content);
        Assert.Equal(FinishReasons.ToolCalls, response.FinishReason);
        var calls = response.ToolCalls!;
        Assert.Equal(new[] { ("call_0_get_current_weather", "get_current_weather"), ("call_1_get_current_time", "get_current_time") }, calls.Select(c => (c.Id, c.Name)));
        WireFormat.AssertSameJson("""{"zone":"America/Toronto"}""", calls[1].Arguments);
        Assert.Equal((26, 282, 308), (response.PromptTokens, response.CompletionTokens, response.TotalTokens));
        Assert.Equal("qwen3", response.ModelUsed);
    }

    [Fact]
    public async Task ErrorLineInsideAStream_IsTypedAndNamesTheBackend()
    {
        var backend = WireFormat.CreateBuiltIn(Config, new CannedHttpHandler(
            "{\"model\":\"llama3.2\",\"created_at\":\"2023-08-04T08:52:19.385406455-07:00\",\"message\":{\"role\":\"assistant\",\"content\":\"The\"},\"done\":false}\n"
            + "{\"error\":\"an error was encountered while running the model: unexpected EOF\"}\n",
            "application/x-ndjson"));

        var (updates, error) = await StreamAsync(backend, Hi());

        Assert.Equal("The", Assert.Single(updates).ContentDelta);
        Assert.NotNull(error);
        Assert.Equal(LlmErrorKind.ServerError, error.Error.Kind);
        Assert.Equal("ollama", error.Error.BackendName);
        Assert.Equal("Backend 'ollama' sent an error in its stream: an error was encountered while running the model: unexpected EOF", error.Error.Message);
    }

    [Fact]
    public async Task Stream_EndingWithoutTheDoneLine_IsANetworkError()
    {
        var backend = WireFormat.CreateBuiltIn(Config, new CannedHttpHandler(
            "{\"model\":\"llama3.2\",\"message\":{\"role\":\"assistant\",\"content\":\"The\"},\"done\":false}\n", "application/x-ndjson"));

        var (_, error) = await StreamAsync(backend, Hi());

        Assert.Equal(LlmErrorKind.Network, error!.Error.Kind);
    }

    [Theory]
    [InlineData("https://example.com/cat.png")]
    [InlineData("http://example.com/cat.png")]
    public async Task ImageByUrl_FailsClearly_WithoutAnyHttpCall(string url)
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("Ollama", "chat-response.json"));
        var backend = WireFormat.CreateBuiltIn(Config, handler);
        var request = new ChatRequest { Messages = { new ChatMessage { Parts = new() { ContentPart.FromText("What is this?"), ContentPart.FromImageUrl(url) } } } };

        var response = await backend.ChatAsync(request);
        var (updates, streamError) = await StreamAsync(backend, request);

        Assert.Empty(handler.Requests);
        Assert.Empty(updates);
        foreach (var error in new[] { response.Error!, streamError!.Error })
        {
            Assert.Equal(LlmErrorKind.InvalidRequest, error.Kind);
            Assert.Contains("Backend 'ollama'", error.Message, StringComparison.Ordinal);
            Assert.Contains(url, error.Message, StringComparison.Ordinal);
            Assert.Contains("ContentPart.FromImageBytes", error.Message, StringComparison.Ordinal);
            Assert.Contains("data: URL", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ImageAsADataUrl_IsSentAsBase64()
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("Ollama", "chat-response.json"));
        var backend = WireFormat.CreateBuiltIn(Config, handler);
        var request = new ChatRequest { Messages = { new ChatMessage { Parts = new() { ContentPart.FromText("What is this?"), ContentPart.FromImageUrl("data:image/jpeg;base64,/9j/4AAQ") } } } };

        await backend.ChatAsync(request);

        WireFormat.AssertSameJson(
            """{"model":"llama3.2","messages":[{"role":"user","content":"What is this?","images":["/9j/4AAQ"]}],"stream":false}""",
            Assert.Single(handler.Requests).Body);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, "model \"llama9\" not found, try pulling it first", LlmErrorKind.NotFound)]
    [InlineData(HttpStatusCode.BadRequest, "the input length exceeds the context length", LlmErrorKind.ContextLengthExceeded)]
    [InlineData(HttpStatusCode.BadRequest, "The request was refused by the content policy.", LlmErrorKind.ContentFiltered)]
    [InlineData(HttpStatusCode.BadRequest, "invalid options: num_predict must be an integer", LlmErrorKind.InvalidRequest)]
    [InlineData(HttpStatusCode.Unauthorized, "unauthorized", LlmErrorKind.Unauthorized)]
    [InlineData(HttpStatusCode.InternalServerError, "llama runner process has terminated: exit status 2", LlmErrorKind.ServerError)]
    public async Task ErrorStatus_WithOllamasErrorBody_IsTyped(HttpStatusCode status, string message, LlmErrorKind kind)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, string> { ["error"] = message });
        var backend = WireFormat.CreateBuiltIn(Config, new CannedHttpHandler(body, status: status));

        var response = await backend.ChatAsync(Hi());

        Assert.Equal(kind, response.Error!.Kind);
        Assert.Equal((int)status, response.Error.StatusCode);
        Assert.Equal($"Backend 'ollama' answered HTTP {(int)status}: {message}", response.ErrorMessage);
    }

    [Fact]
    public async Task ErrorStatus_WithAnHtmlBody_KeepsTheRawText()
    {
        var backend = WireFormat.CreateBuiltIn(Config, new CannedHttpHandler("<html>Bad gateway</html>", "text/html", HttpStatusCode.BadGateway));

        var response = await backend.ChatAsync(Hi());

        Assert.Equal(LlmErrorKind.ServerError, response.Error!.Kind);
        Assert.Equal("Backend 'ollama' answered HTTP 502: <html>Bad gateway</html>", response.ErrorMessage);
    }

    [Fact]
    public async Task Embed_MatchesTheDocumentedRequestAndResponse()
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("Ollama", "embed-response.json"));
        var backend = (IEmbeddingLlmBackend)WireFormat.CreateBuiltIn(new LlmBackendConfig { Name = "ollama", Type = "Ollama", EmbeddingModelName = "all-minilm" }, handler);

        var response = await backend.EmbedAsync(new EmbeddingRequest { Inputs = { "Why is the sky blue?", "Why is the grass green?" } });

        Assert.True(response.Success, response.Error?.Message);
        var (sent, body) = Assert.Single(handler.Requests);
        Assert.Equal("http://localhost:11434/api/embed", sent.RequestUri!.ToString());
        WireFormat.AssertSameJson(WireFormat.Sample("Ollama", "embed-request.json"), body);
        Assert.Equal(2, response.Embeddings.Count);
        Assert.Equal(0.010071029f, response.Embeddings[0][0]);
        Assert.Equal(0.09072481f, response.Embeddings[1][9]);
        Assert.Equal(("all-minilm", 16, 16), (response.ModelUsed, response.PromptTokens, response.TotalTokens));
    }

    [Fact]
    public async Task Embed_WithDimensions_SendsThem_AndAShortAnswerIsAnInvalidResponse()
    {
        var handler = new CannedHttpHandler("""{"model":"all-minilm","embeddings":[[0.1,0.2]]}""");
        var backend = (IEmbeddingLlmBackend)WireFormat.CreateBuiltIn(new LlmBackendConfig { Name = "ollama", Type = "Ollama", EmbeddingModelName = "all-minilm" }, handler);

        var response = await backend.EmbedAsync(new EmbeddingRequest { Inputs = { "a", "b" }, Dimensions = 2 });

        WireFormat.AssertSameJson("""{"model":"all-minilm","input":["a","b"],"dimensions":2}""", Assert.Single(handler.Requests).Body);
        Assert.Equal(LlmErrorKind.InvalidResponse, response.Error!.Kind);
    }

    [Fact]
    public async Task ListModels_ReadsTheDocumentedTags()
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("Ollama", "tags-response.json"));
        var backend = (IModelListingLlmBackend)WireFormat.CreateBuiltIn(Config, handler);

        var models = await backend.ListModelsAsync();

        Assert.Equal(new[] { "codellama:13b", "llama3:latest" }, models.Select(m => m.Id));
        Assert.All(models, m => Assert.Equal("ollama", m.BackendName));
        var (sent, _) = Assert.Single(handler.Requests);
        Assert.Equal((HttpMethod.Get, "http://localhost:11434/api/tags"), (sent.Method, sent.RequestUri!.ToString()));
    }
}
