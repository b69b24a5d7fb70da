using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Providers.Anthropic;

/// <summary>The Anthropic provider against samples written from Anthropic's Messages API reference.</summary>
public class AnthropicWireFormatTests
{
    private static readonly LlmBackendConfig Config = new() { Name = "anthropic", Type = "Anthropic", ApiKey = "sk-ant-test", ModelName = "claude-sonnet-4-5" };

    private static readonly byte[] Png = { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };

    private static ChatRequest Hi() => new() { Messages = { new ChatMessage { Content = "hi" } } };

    /// <summary>A Messages stream up to its first text delta, "Hel" (the last event without its blank line).</summary>
    private const string StreamUpToHel = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1}}}

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}
        """;

    /// <summary>Streams from a backend answering with <paramref name="handler"/>: the text deltas received, then the error the stream ended with.</summary>
    private static async Task<(List<string?> Received, LlmBackendException Error)> StreamUntilItFailsAsync(CannedHttpHandler handler)
    {
        var backend = (IStreamingLlmBackend)WireFormat.CreateBuiltIn(Config, handler);
        var received = new List<string?>();
        var error = await Assert.ThrowsAsync<LlmBackendException>(async () =>
        {
            await foreach (var update in backend.StreamChatAsync(Hi()))
            {
                received.Add(update.ContentDelta);
            }
        });
        return (received, error);
    }

    [Fact]
    public async Task MessagesRequest_MatchesTheDocumentedShape()
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("Anthropic", "messages-response.json"));
        var backend = WireFormat.CreateBuiltIn(Config, handler);

        // Seed and the penalties have no Anthropic equivalent: they must be left out, not fail the request. The API itself
        // decides which option combinations it accepts with thinking; the provider sends what was asked for.
        var request = new ChatRequest
        {
            Temperature = 0.5, TopK = 40, MaxTokens = 2048, Stop = new() { "END" }, Seed = 42, FrequencyPenalty = 0.3, PresencePenalty = 0.1,
            User = "13803d75-b4b5-4c3e-b2a2-6f21399b021b", ThinkingBudgetTokens = 1024, ParallelToolCalls = false, ToolChoice = ToolChoice.Auto,
            Tools = new()
            {
                new ToolDefinition
                {
                    Name = "get_weather", Description = "Current weather in a city",
                    Parameters = JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string","description":"City name"}},"required":["city"]}""").RootElement,
                },
            },
            Messages =
            {
                new ChatMessage { Role = "system", Content = "You are a weather bot." },
                new ChatMessage { Role = "user", Parts = new() { ContentPart.FromText("What is the weather where this photo was taken?"), ContentPart.FromImageBytes(Png, "image/png") } },
                new ChatMessage
                {
                    Role = "assistant", Content = "Let me check the weather in Paris.",
                    Reasoning = "The photo shows the Eiffel Tower, so the city is Paris.",
                    ReasoningSignature = "EqQBCkgIARABGAIiQL2eFhq5Tt9Kz4v1rj0eYxXuWj8s1ZHVkwRqw3Q0xL9GZzA7oVDrJb8yP0Ns5rI0GzUu9D5aFh1sSkYh3iSUEgw=",
                    ToolCalls = new() { new ToolCall { Id = "toolu_01A09q90qw90lq917835lq9", Name = "get_weather", Arguments = """{"city":"Paris"}""" } },
                },
                new ChatMessage { Role = "tool", ToolCallId = "toolu_01A09q90qw90lq917835lq9", Name = "get_weather", Content = "sunny, 21C" },
                new ChatMessage { Role = "system", Content = "Answer in one sentence." },
            },
        };

        await backend.ChatAsync(request);

        var (_, body) = Assert.Single(handler.Requests);
        WireFormat.AssertSameJson(WireFormat.Sample("Anthropic", "messages-request.json"), body);
    }

    [Theory]
    [InlineData(null, null, "https://api.anthropic.com/v1/messages", "2023-06-01")]
    [InlineData("https://api.anthropic.com/v1/", null, "https://api.anthropic.com/v1/messages", "2023-06-01")]
    [InlineData("https://gateway.example.com/anthropic", "2024-10-22", "https://gateway.example.com/anthropic/v1/messages", "2024-10-22")]
    public async Task MessagesRequest_UsesTheDocumentedUrlAndHeaders(string? baseUrl, string? apiVersion, string expectedUrl, string expectedVersion)
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("Anthropic", "messages-response.json"));
        var backend = WireFormat.CreateBuiltIn(new LlmBackendConfig { Name = "anthropic", Type = "Anthropic", ApiKey = "sk-ant-test", ModelName = "claude-sonnet-4-5", BaseUrl = baseUrl, ApiVersion = apiVersion }, handler);

        await backend.ChatAsync(Hi());

        var (sent, body) = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, sent.Method);
        Assert.Equal(expectedUrl, sent.RequestUri!.ToString());
        Assert.Equal("sk-ant-test", sent.Headers.GetValues("x-api-key").Single());
        Assert.Equal(expectedVersion, sent.Headers.GetValues("anthropic-version").Single());
        Assert.Null(sent.Headers.Authorization);
        Assert.Equal("application/json", sent.Content!.Headers.ContentType!.MediaType);
        WireFormat.AssertSameJson("""{"model":"claude-sonnet-4-5","max_tokens":4096,"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}""", body);
    }

    [Fact]
    public async Task MessagesResponse_DocumentedSample_IsReadCompletely_AndUnknownFieldsAreIgnored()
    {
        var backend = WireFormat.CreateBuiltIn(Config, new CannedHttpHandler(WireFormat.Sample("Anthropic", "messages-response.json")));

        var response = await backend.ChatAsync(Hi());

        Assert.True(response.Success, response.ErrorMessage);
        Assert.Equal("claude-sonnet-4-5-20250929", response.ModelUsed);
        Assert.Equal("msg_01XFDUDYJgAACzvnptvVoYEL", response.ResponseId);
        Assert.Equal("Let me check the weather in Paris.", response.Content);
        Assert.Equal("The user asks about Paris. I should look up the weather and recent news.", response.Reasoning);
        Assert.Equal("WaUjzkypQ2mUEVM36O2TxuC06KN8xyfbJwyem2dw3URve/op91XWHOEBLLqIOMfFG/UvLEczmEsUjavL", response.ReasoningSignature);
        Assert.Equal(FinishReasons.ToolCalls, response.FinishReason);
        var call = Assert.Single(response.ToolCalls!);
        Assert.Equal(("toolu_01A09q90qw90lq917835lq9", "get_weather"), (call.Id, call.Name));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"city":"Paris","unit":"celsius"}"""), JsonNode.Parse(call.Arguments)), call.Arguments);

        // The prompt is input + cache reads + cache writes; the cache reads are the cached part.
        Assert.Equal((472 + 2048 + 120, 89, 472 + 2048 + 120 + 89, 2048), (response.PromptTokens, response.CompletionTokens, response.TotalTokens, response.CachedPromptTokens));
    }

    [Fact]
    public async Task Stream_DocumentedTranscript_IsReadCompletely()
    {
        var backend = (IStreamingLlmBackend)WireFormat.CreateBuiltIn(Config, new CannedHttpHandler(WireFormat.Sample("Anthropic", "messages-stream.txt"), "text/event-stream"));
        var accumulator = new ChatStreamAccumulator();
        var toolCallUpdates = new List<ToolCallUpdate>();

        await foreach (var update in backend.StreamChatAsync(Hi()))
        {
            accumulator.Add(update);
            toolCallUpdates.AddRange(update.ToolCalls ?? new List<ToolCallUpdate>());
            Assert.Equal("claude-sonnet-4-5-20250929", update.ModelUsed);
        }

        var response = accumulator.ToResponse();
        Assert.Equal("Okay, let me check both.", response.Content);
        Assert.Equal("The user wants the weather and the time.", response.Reasoning);
        Assert.Equal("EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds", response.ReasoningSignature);
        Assert.Equal(FinishReasons.ToolCalls, response.FinishReason);
        Assert.Equal("msg_014p7gG3wDgGV9EUtLvnow3U", response.ResponseId);
        Assert.Equal(2, response.ToolCalls!.Count);
        Assert.Equal(("toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather", """{"location": "San Francisco, CA"}"""), (response.ToolCalls[0].Id, response.ToolCalls[0].Name, response.ToolCalls[0].Arguments));
        Assert.Equal(("toolu_01LwxDp6SuVjW1hy3hPjB4Vb", "get_time", """{"zone": "America/Los_Angeles"}"""), (response.ToolCalls[1].Id, response.ToolCalls[1].Name, response.ToolCalls[1].Arguments));

        // Tool calls are numbered among tool calls (0, 1), not by Anthropic's block index (2, 3).
        Assert.Equal(new[] { 0, 1 }, toolCallUpdates.Select(u => u.Index).Distinct());
        Assert.Equal((472 + 128, 89, 472 + 128 + 89, 128), (response.PromptTokens, response.CompletionTokens, response.TotalTokens, response.CachedPromptTokens));
    }

    [Fact]
    public async Task ErrorEventInsideAStream_IsTypedAndNamesTheBackend()
    {
        var (received, error) = await StreamUntilItFailsAsync(new CannedHttpHandler(
            StreamUpToHel + "\n\n" + """
            event: error
            data: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
            """ + "\n\n",
            "text/event-stream"));

        Assert.Equal(new[] { "Hel" }, received);
        Assert.Equal(LlmErrorKind.ServerError, error.Error.Kind);
        Assert.Equal("overloaded_error", error.Error.ProviderCode);
        Assert.Null(error.Error.StatusCode);
        Assert.Equal("anthropic", error.Error.BackendName);
        Assert.Equal("Backend 'anthropic' sent an error in its stream: Overloaded", error.Error.Message);
    }

    [Fact]
    public async Task EventThatIsNotUtf8_IsAnInvalidResponse_NeverTextWithReplacementCharacters()
    {
        // The same as a non-streamed answer: bytes that are not UTF-8 are a broken answer, not text to guess at.
        var start = Encoding.UTF8.GetBytes(StreamUpToHel + "\n\n" + """
            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"l
            """);
        byte[] body = [.. start, 0xC3, 0x28, .. Encoding.UTF8.GetBytes("o\"}}\n\n")];

        var (received, error) = await StreamUntilItFailsAsync(new CannedHttpHandler(body, "text/event-stream"));

        Assert.Equal(new[] { "Hel" }, received);
        Assert.Equal(LlmErrorKind.InvalidResponse, error.Error.Kind);
        Assert.Equal("anthropic", error.Error.BackendName);
        Assert.StartsWith("Backend 'anthropic' returned an answer that cannot be used: a stream event is not valid JSON", error.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_EndingBeforeItsStopReason_IsANetworkError()
    {
        var backend = (IStreamingLlmBackend)WireFormat.CreateBuiltIn(Config, new CannedHttpHandler(
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}}\n\n",
            "text/event-stream"));

        var error = await Assert.ThrowsAsync<LlmBackendException>(async () =>
        {
            await foreach (var unused in backend.StreamChatAsync(Hi()))
            {
            }
        });

        Assert.Equal(LlmErrorKind.Network, error.Error.Kind);
        Assert.Equal("Backend 'anthropic' ended its stream before its stop reason (no message_delta with stop_reason, no message_stop): the answer is incomplete.", error.Error.Message);
    }

    [Fact]
    public async Task MessagesResponse_WithoutContent_IsAClearInvalidResponse()
    {
        var backend = WireFormat.CreateBuiltIn(Config, new CannedHttpHandler("""{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}"""));

        var response = await backend.ChatAsync(Hi());

        Assert.False(response.Success);
        Assert.Equal(LlmErrorKind.InvalidResponse, response.Error!.Kind);
        Assert.Equal("Backend 'anthropic' returned an answer that cannot be used: the response has no content array.", response.ErrorMessage);
    }

    [Theory]
    [InlineData(400, "invalid_request_error", "prompt is too long: 208310 tokens > 200000 maximum", LlmErrorKind.ContextLengthExceeded)]
    [InlineData(400, "invalid_request_error", "Output blocked by content filtering policy", LlmErrorKind.ContentFiltered)]
    [InlineData(400, "invalid_request_error", "messages: roles must alternate between \"user\" and \"assistant\"", LlmErrorKind.InvalidRequest)]
    [InlineData(401, "authentication_error", "invalid x-api-key", LlmErrorKind.Unauthorized)]
    [InlineData(403, "permission_error", "Your API key does not have permission to use the specified resource.", LlmErrorKind.Forbidden)]
    [InlineData(404, "not_found_error", "model: claude-nope", LlmErrorKind.NotFound)]
    [InlineData(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit", LlmErrorKind.RateLimited)]
    [InlineData(500, "api_error", "Internal server error", LlmErrorKind.ServerError)]
    [InlineData(529, "overloaded_error", "Overloaded", LlmErrorKind.ServerError)]
    public async Task ErrorStatus_DocumentedErrorBody_IsTyped(int status, string type, string message, LlmErrorKind kind)
    {
        var body = new JsonObject { ["type"] = "error", ["error"] = new JsonObject { ["type"] = type, ["message"] = message }, ["request_id"] = "req_011CSHoEeqs5C35K2UUqR7Fy" };
        var backend = WireFormat.CreateBuiltIn(Config, new CannedHttpHandler(body.ToJsonString(), "application/json", (HttpStatusCode)status));

        var response = await backend.ChatAsync(Hi());

        Assert.Equal(kind, response.Error!.Kind);
        Assert.Equal(status, response.Error.StatusCode);
        Assert.Equal(type, response.Error.ProviderCode);
        Assert.Equal($"Backend 'anthropic' answered HTTP {status}: {message} (request id req_011CSHoEeqs5C35K2UUqR7Fy)", response.ErrorMessage);
    }

    [Fact]
    public async Task Models_DocumentedSample_IsListedWithDisplayNamesAndDates()
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("Anthropic", "models-response.json"));
        var backend = (IModelListingLlmBackend)WireFormat.CreateBuiltIn(Config, handler);

        var models = await backend.ListModelsAsync();

        Assert.Equal(new[] { "claude-sonnet-4-5-20250929", "claude-3-5-haiku-20241022" }, models.Select(m => m.Id));
        Assert.Equal("Claude Sonnet 4.5", models[0].DisplayName);
        Assert.Equal(new DateTimeOffset(2025, 9, 29, 0, 0, 0, TimeSpan.Zero), models[0].Created);
        Assert.All(models, m => Assert.Equal("anthropic", m.BackendName));
        var (sent, _) = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Get, sent.Method);
        Assert.Equal("https://api.anthropic.com/v1/models?limit=1000", sent.RequestUri!.ToString());
        Assert.Equal("sk-ant-test", sent.Headers.GetValues("x-api-key").Single());
        Assert.Equal("2023-06-01", sent.Headers.GetValues("anthropic-version").Single());
    }

    [Fact]
    public void Backend_IsNotAnEmbeddingBackend()
    {
        Assert.IsNotAssignableFrom<IEmbeddingLlmBackend>(WireFormat.CreateBuiltIn(Config, new CannedHttpHandler("{}")));
    }

    [Fact]
    public void Configuration_WithoutApiKey_IsAProblem()
    {
        using var host = LlmTestHost.Create(s => s.Backends.Add(new LlmBackendConfig { Name = "claude", Type = "Anthropic", ModelName = "claude-sonnet-4-5" }));

        var error = Assert.Throws<LlmConfigurationException>(() => host.Llm.GetBackends());

        Assert.Contains(error.Problems, p => p.EndsWith("ApiKey is required for Anthropic (for example \"ApiKey\": \"${ANTHROPIC_API_KEY}\").", StringComparison.Ordinal));
    }
}
