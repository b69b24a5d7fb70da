using System.Net;
using System.Text.Json;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Providers.OpenAI;

/// <summary>The OpenAI provider against samples written from OpenAI's API reference.</summary>
public class OpenAiWireFormatTests
{
    private static readonly LlmBackendConfig Config = new() { Name = "openai", Type = "OpenAI", ApiKey = "sk-test", ModelName = "gpt-4o" };

    [Fact]
    public async Task ChatRequest_MatchesTheDocumentedShape()
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("OpenAI", "chat-response.json"));
        var backend = WireFormat.CreateBuiltIn(Config, handler);
        var request = new ChatRequest
        {
            Temperature = 0.2, TopP = 0.9, MaxTokens = 256, Stop = new() { "END" }, Seed = 42, ParallelToolCalls = false,
            ToolChoice = ToolChoice.ForFunction("get_weather"),
            ResponseFormat = ResponseFormat.ForSchema("weather", JsonDocument.Parse("""{"type":"object"}""").RootElement),
            Tools = new()
            {
                new ToolDefinition
                {
                    Name = "get_weather", Description = "Current weather in a city", Strict = true,
                    Parameters = JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""").RootElement,
                },
            },
            Messages =
            {
                new ChatMessage { Role = "system", Content = "You are a weather bot." },
                new ChatMessage { Role = "user", Parts = new() { ContentPart.FromText("Weather where this photo was taken?"), ContentPart.FromImageUrl("https://example.com/street.jpg", "low") } },
                new ChatMessage { Role = "assistant", ToolCalls = new() { new ToolCall { Id = "call_abc123", Name = "get_weather", Arguments = """{"city":"Paris"}""" } } },
                new ChatMessage { Role = "tool", ToolCallId = "call_abc123", Name = "get_weather", Content = "sunny, 21C" },
            },
        };

        await backend.ChatAsync(request);

        var (sent, body) = Assert.Single(handler.Requests);
        Assert.Equal("https://api.openai.com/v1/chat/completions", sent.RequestUri!.ToString());
        Assert.Equal("Bearer sk-test", sent.Headers.Authorization!.ToString());
        WireFormat.AssertSameJson(WireFormat.Sample("OpenAI", "chat-request.json"), body);
    }

    [Fact]
    public async Task ChatResponse_DocumentedSample_IsReadCompletely_AndUnknownFieldsAreIgnored()
    {
        var backend = WireFormat.CreateBuiltIn(Config, new CannedHttpHandler(WireFormat.Sample("OpenAI", "chat-response.json")));

        var response = await backend.ChatAsync(new ChatRequest { Messages = { new ChatMessage { Content = "weather?" } } });

        Assert.True(response.Success, response.ErrorMessage);
        Assert.Equal("gpt-4o-2024-08-06", response.ModelUsed);
        Assert.Equal("chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG", response.ResponseId);
        Assert.Equal(FinishReasons.ToolCalls, response.FinishReason);
        var call = Assert.Single(response.ToolCalls!);
        Assert.Equal(("call_12345xyz", "get_weather", """{"city":"Paris"}"""), (call.Id, call.Name, call.Arguments));
        Assert.Equal((1117, 46, 1163, 1024), (response.PromptTokens, response.CompletionTokens, response.TotalTokens, response.CachedPromptTokens));
    }

    [Fact]
    public async Task Stream_DocumentedTranscript_IsReadCompletely()
    {
        var backend = (IStreamingLlmBackend)WireFormat.CreateBuiltIn(Config, new CannedHttpHandler(WireFormat.Sample("OpenAI", "chat-stream.txt"), "text/event-stream"));
        var accumulator = new ChatStreamAccumulator();

        await foreach (var update in backend.StreamChatAsync(new ChatRequest { Messages = { new ChatMessage { Content = "hi" } } }))
        {
            accumulator.Add(update);
        }

        var response = accumulator.ToResponse();
        Assert.Equal("Hello world", response.Content);
        Assert.Equal(FinishReasons.ToolCalls, response.FinishReason);
        Assert.Equal(("call_1", "lookup", """{"q":"x"}"""), (response.ToolCalls![0].Id, response.ToolCalls[0].Name, response.ToolCalls[0].Arguments));
        Assert.Equal((9, 12, 21), (response.PromptTokens, response.CompletionTokens, response.TotalTokens));
        Assert.Equal("gpt-4o-mini", response.ModelUsed);
    }

    [Theory]
    [InlineData("Mistral", "https://api.mistral.ai/v1/chat/completions", "max_tokens", false)]
    [InlineData("Groq", "https://api.groq.com/openai/v1/chat/completions", "max_tokens", false)]
    [InlineData("DeepSeek", "https://api.deepseek.com/v1/chat/completions", "max_tokens", true)]
    [InlineData("XAI", "https://api.x.ai/v1/chat/completions", "max_tokens", true)]
    [InlineData("OpenRouter", "https://openrouter.ai/api/v1/chat/completions", "max_tokens", true)]
    [InlineData("Together", "https://api.together.xyz/v1/chat/completions", "max_tokens", false)]
    [InlineData("LMStudio", "http://localhost:1234/v1/chat/completions", "max_tokens", false)]
    [InlineData("VLLM", "http://localhost:8000/v1/chat/completions", "max_tokens", true)]
    [InlineData("LlamaCpp", "http://localhost:8080/v1/chat/completions", "max_tokens", false)]
    public async Task Preset_SuppliesTheAddressAndTheServicesDialect(string preset, string url, string limitField, bool streamOptions)
    {
        var handler = new CannedHttpHandler("data: [DONE]\n\n", "text/event-stream");
        var backend = (IStreamingLlmBackend)WireFormat.CreateBuiltIn(new LlmBackendConfig { Name = "p", Preset = preset, ApiKey = "k", ModelName = "m" }, handler);

        await foreach (var unused in backend.StreamChatAsync(new ChatRequest { MaxTokens = 7, Messages = { new ChatMessage { Content = "hi" } } }))
        {
        }

        var (sent, body) = Assert.Single(handler.Requests);
        var json = System.Text.Json.Nodes.JsonNode.Parse(body)!;
        Assert.Equal(url, sent.RequestUri!.ToString());
        Assert.Equal("Bearer k", sent.Headers.Authorization!.ToString());
        Assert.Equal(7, json[limitField]!.GetValue<int>());
        Assert.Equal(streamOptions, json["stream_options"] is not null);
    }

    [Fact]
    public async Task ChatResponse_WithoutChoices_IsAClearInvalidResponse()
    {
        var backend = WireFormat.CreateBuiltIn(Config, new CannedHttpHandler("""{"id":"x","object":"chat.completion","model":"gpt-4o","usage":{"prompt_tokens":1}}"""));

        var response = await backend.ChatAsync(new ChatRequest { Messages = { new ChatMessage { Content = "hi" } } });

        Assert.Equal(LlmErrorKind.InvalidResponse, response.Error!.Kind);
        Assert.Equal("Backend 'openai' returned an answer that cannot be used: the response has no choices[0].message.", response.ErrorMessage);
    }

    [Fact]
    public async Task ErrorInsideAStream_IsTypedAndNamesTheBackend()
    {
        var backend = (IStreamingLlmBackend)WireFormat.CreateBuiltIn(Config, new CannedHttpHandler(
            "data: {\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}\n\n", "text/event-stream"));

        var error = await Assert.ThrowsAsync<LlmBackendException>(async () =>
        {
            await foreach (var unused in backend.StreamChatAsync(new ChatRequest { Messages = { new ChatMessage { Content = "hi" } } }))
            {
            }
        });

        Assert.Equal(LlmErrorKind.RateLimited, error.Error.Kind);
        Assert.Contains("Rate limit reached", error.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AzureRequest_UsesTheDeploymentApiVersionAndApiKeyHeader()
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("OpenAI", "chat-response.json"));
        var backend = WireFormat.CreateBuiltIn(new LlmBackendConfig { Name = "azure", Type = "AzureOpenAI", BaseUrl = "https://contoso.openai.azure.com/", ApiKey = "az-key", ModelName = "gpt4o-prod" }, handler);

        await backend.ChatAsync(new ChatRequest { Messages = { new ChatMessage { Content = "hi" } } });

        var (sent, _) = Assert.Single(handler.Requests);
        Assert.Equal("https://contoso.openai.azure.com/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21", sent.RequestUri!.ToString());
        Assert.Equal("az-key", sent.Headers.GetValues("api-key").Single());
        Assert.Null(sent.Headers.Authorization);
    }

    [Fact]
    public async Task ErrorStatus_WithAnHtmlBody_KeepsTheRawText()
    {
        var backend = WireFormat.CreateBuiltIn(Config, new CannedHttpHandler("<html>Bad gateway</html>", "text/html", HttpStatusCode.BadGateway));

        var response = await backend.ChatAsync(new ChatRequest { Messages = { new ChatMessage { Content = "hi" } } });

        Assert.Equal(LlmErrorKind.ServerError, response.Error!.Kind);
        Assert.Equal("Backend 'openai' answered HTTP 502: <html>Bad gateway</html>", response.ErrorMessage);
    }
}
