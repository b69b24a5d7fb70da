using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Providers;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Providers.Translation;

/// <summary>
/// What a provider does with a caller's pass-through fields and headers, cache_control and options it has no place for:
/// the exact body sent, and a Debug log for each thing left out.
/// </summary>
public sealed class PassThroughTests : IDisposable
{
    private readonly CollectingLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggers;

    public PassThroughTests()
    {
        _loggers = LoggerFactory.Create(builder => builder.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
    }

    public void Dispose() => _loggers.Dispose();

    private ILlmBackend Backend(string type, CannedHttpHandler handler) => new BuiltInProvidersPlugin(TimeProvider.System).CreateBackend(
        type,
        new LlmBackendConfig { Name = type.ToLowerInvariant(), Type = type, ApiKey = "k", ModelName = "m", BaseUrl = type == "OpenAI" ? "http://127.0.0.1:9/v1" : "http://127.0.0.1:9" },
        _loggers,
        new SingleClient(handler));

    private static ChatRequest WithOpenAiFields() => new()
    {
        Seed = 7,
        Logprobs = true,
        Messages = { new ChatMessage { Content = "hi" } },
        PassThrough = new ProviderPassThrough
        {
            Format = WireFormats.OpenAi,
            Fields = { ["store"] = JsonSerializer.SerializeToElement(true), ["service_tier"] = JsonSerializer.SerializeToElement("auto"), ["model"] = JsonSerializer.SerializeToElement("evil") },
        },
    };

    [Fact]
    public async Task AnthropicBackend_DropsAnotherFormatsFields_AndLogsEachAtDebug()
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("Anthropic", "messages-response.json"));
        var response = await Backend("Anthropic", handler).ChatAsync(WithOpenAiFields(), TestContext.Current.CancellationToken);

        Assert.True(response.Success, response.ErrorMessage);
        var body = JsonNode.Parse(Assert.Single(handler.Requests).Body)!.AsObject();
        Assert.False(body.ContainsKey("store"));
        Assert.False(body.ContainsKey("service_tier"));
        Assert.False(body.ContainsKey("seed"));
        Assert.Equal("m", body["model"]!.GetValue<string>());
        var debug = _logs.Entries.Where(e => e.Level == LogLevel.Debug).ToList();
        Assert.Contains(debug, e => e.EventId.Id == 7001 && e.Message.Contains("'store'", StringComparison.Ordinal));
        Assert.Contains(debug, e => e.EventId.Id == 7001 && e.Message.Contains("'service_tier'", StringComparison.Ordinal));
        Assert.Contains(debug, e => e.EventId.Id == 7003 && e.Message.Contains("seed", StringComparison.Ordinal));
        Assert.Contains(debug, e => e.EventId.Id == 7003 && e.Message.Contains("logprobs", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OpenAiBackend_SendsItsOwnFormatsFields_WithoutReplacingMappedOnes()
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("OpenAI", "chat-response.json"));
        var request = WithOpenAiFields();
        request.AdditionalProperties = new() { ["service_tier"] = JsonSerializer.SerializeToElement("flex") };
        await Backend("OpenAI", handler).ChatAsync(request, TestContext.Current.CancellationToken);

        var body = JsonNode.Parse(Assert.Single(handler.Requests).Body)!.AsObject();
        Assert.True(body["store"]!.GetValue<bool>());
        Assert.Equal("m", body["model"]!.GetValue<string>());
        Assert.Equal("flex", body["service_tier"]!.GetValue<string>());
        Assert.Equal(7, body["seed"]!.GetValue<int>());
        Assert.True(body["logprobs"]!.GetValue<bool>());
        Assert.DoesNotContain(_logs.Entries, e => e.EventId.Id is 7001 or 7002);
    }

    [Fact]
    public async Task AnthropicBackend_ForwardsAnthropicHeaders_ButKeepsItsOwnVersion()
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("Anthropic", "messages-response.json"));
        var request = new ChatRequest
        {
            Messages = { new ChatMessage { Content = "hi" } },
            PassThrough = new ProviderPassThrough { Format = WireFormats.Anthropic, Headers = { ["anthropic-beta"] = "files-api-2025-04-14" } },
        };
        await Backend("Anthropic", handler).ChatAsync(request, TestContext.Current.CancellationToken);

        var sent = Assert.Single(handler.Requests).Request;
        Assert.Equal("files-api-2025-04-14", sent.Headers.GetValues("anthropic-beta").Single());
        Assert.Equal("2023-06-01", sent.Headers.GetValues("anthropic-version").Single());
    }

    [Fact]
    public async Task AnthropicBackend_KeepsCacheControlOnSystemBlocksPartsAndTools()
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("Anthropic", "messages-response.json"));
        var marker = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["type"] = "ephemeral" });
        var cachedText = ContentPart.FromText("B");
        cachedText.CacheControl = marker;
        var cachedUser = ContentPart.FromText("question");
        cachedUser.CacheControl = marker;
        var request = new ChatRequest
        {
            Messages =
            {
                new ChatMessage { Role = ChatRole.System, Content = "A\n\nB", Parts = new() { ContentPart.FromText("A"), cachedText } },
                new ChatMessage { Parts = new() { cachedUser } },
            },
            Tools = new() { new ToolDefinition { Name = "t", CacheControl = marker } },
        };
        await Backend("Anthropic", handler).ChatAsync(request, TestContext.Current.CancellationToken);

        var body = JsonNode.Parse(Assert.Single(handler.Requests).Body)!;
        Assert.Equal("A", body["system"]![0]!["text"]!.GetValue<string>());
        Assert.Null(body["system"]![0]!["cache_control"]);
        Assert.Equal("ephemeral", body["system"]![1]!["cache_control"]!["type"]!.GetValue<string>());
        Assert.Equal("ephemeral", body["messages"]![0]!["content"]![0]!["cache_control"]!["type"]!.GetValue<string>());
        Assert.Equal("ephemeral", body["tools"]![0]!["cache_control"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task OpenAiBackend_ReadsToolArgumentsSentAsAnObject()
    {
        var handler = new CannedHttpHandler("""
            {"id":"x","object":"chat.completion","model":"m","choices":[{"index":0,"finish_reason":"tool_calls",
             "message":{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"get_weather","arguments":{"city":"Paris"}}}]}}]}
            """);
        var response = await Backend("OpenAI", handler).ChatAsync(new ChatRequest { Messages = { new ChatMessage { Content = "hi" } } }, TestContext.Current.CancellationToken);

        Assert.True(response.Success, response.ErrorMessage);
        Assert.Equal("""{"city":"Paris"}""", Assert.Single(response.ToolCalls!).Arguments);
    }

    [Fact]
    public async Task CompleteAsync_SendsEveryOption()
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("OpenAI", "chat-response.json"));
        await Backend("OpenAI", handler).CompleteAsync(
            new LlmRequest { Prompt = "hi", TopP = 0.5, Stop = new() { "END" }, Seed = 3, FrequencyPenalty = 0.2, PresencePenalty = 0.1, User = "u" },
            TestContext.Current.CancellationToken);

        var body = JsonNode.Parse(Assert.Single(handler.Requests).Body)!;
        Assert.Equal(0.5, body["top_p"]!.GetValue<double>());
        Assert.Equal("END", body["stop"]![0]!.GetValue<string>());
        Assert.Equal(3, body["seed"]!.GetValue<int>());
        Assert.Equal(0.2, body["frequency_penalty"]!.GetValue<double>());
        Assert.Equal(0.1, body["presence_penalty"]!.GetValue<double>());
        Assert.Equal("u", body["user"]!.GetValue<string>());
    }

    private sealed class SingleClient(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }
}
