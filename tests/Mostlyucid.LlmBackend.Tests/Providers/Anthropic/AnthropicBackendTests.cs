using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.FakeProvider;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Providers.Anthropic;

/// <summary>The built-in Anthropic provider against the fake provider's Anthropic format on real HTTP.</summary>
public sealed class AnthropicBackendTests : IAsyncLifetime
{
    private const string Key = "sk-ant-test";
    private FakeProviderServer _server = null!;

    public async ValueTask InitializeAsync() =>
        _server = await FakeProviderServer.StartAsync(new FakeProviderOptions { Format = "anthropic", RequiredApiKey = Key, Models = { "claude-a", "claude-b", "claude-c" } });

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private LlmTestHost Host(string model = "claude-a", Action<LlmBackendConfig>? configure = null) => LlmTestHost.Create(s =>
    {
        var backend = new LlmBackendConfig { Name = "claude", Type = "Anthropic", BaseUrl = _server.BaseUrl, ApiKey = Key, ModelName = model };
        configure?.Invoke(backend);
        s.Backends.Add(backend);
    });

    private static async Task<LlmResponse> StreamAsync(LlmTestHost host, ChatRequest request)
    {
        var accumulator = new ChatStreamAccumulator();
        await foreach (var update in host.Llm.StreamChatAsync(request))
        {
            accumulator.Add(update);
        }

        return accumulator.ToResponse();
    }

    [Fact]
    public async Task ChatAsync_SendsKeyVersionAndARequiredMaxTokens()
    {
        using var host = Host(configure: b => { b.MaxOutputTokens = 321; b.Headers["anthropic-beta"] = "prompt-caching-2024-07-31"; });

        await host.Llm.ChatAsync(new ChatRequest { Messages = { new ChatMessage { Role = ChatRole.System, Content = "Be brief." }, new ChatMessage { Content = "Hi" } } });

        var request = Assert.Single(_server.Requests);
        Assert.Equal(("POST", "/v1/messages"), (request.Method, request.Path));
        Assert.Equal(Key, request.Headers["x-api-key"]);
        Assert.Equal("2023-06-01", request.Headers["anthropic-version"]);
        Assert.Equal("prompt-caching-2024-07-31", request.Headers["anthropic-beta"]);
        Assert.False(request.Headers.ContainsKey("Authorization"));
        Assert.Equal("""{"model":"claude-a","max_tokens":321,"system":"Be brief.","messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}]}""", request.Body);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reasoning_IsReturnedWithItsSignature_AndSentBackSigned(bool stream)
    {
        using var host = Host("reasoning-claude");
        var request = new ChatRequest { Messages = { new ChatMessage { Content = "Why is the sky blue?" } }, ThinkingBudgetTokens = 2048 };

        var first = stream ? await StreamAsync(host, request) : await host.Llm.ChatAsync(request);

        Assert.Equal("Let me think about Why is the sky blue?.", first.Reasoning);
        Assert.Equal("fake-signature", first.ReasoningSignature);
        Assert.Equal("Echo from reasoning-claude: Why is the sky blue?", first.Content);
        Assert.Equal("""{"type":"enabled","budget_tokens":2048}""", _server.Conversations[^1].Body!["thinking"]!.ToJsonString());

        request.Messages.Add(first.ToAssistantMessage());
        request.Messages.Add(new ChatMessage { Content = "And at sunset?" });
        await host.Llm.ChatAsync(request);

        var assistant = _server.Conversations[^1].Body!["messages"]![1]!;
        Assert.Equal(
            """{"role":"assistant","content":[{"type":"thinking","thinking":"Let me think about Why is the sky blue?.","signature":"fake-signature"},{"type":"text","text":"Echo from reasoning-claude: Why is the sky blue?"}]}""",
            assistant.ToJsonString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CachedPromptTokens_AreCountedInThePrompt(bool stream)
    {
        using var host = Host("cached-claude");
        var request = new ChatRequest { Messages = { new ChatMessage { Content = "one two three four" } } };

        var answer = stream ? await StreamAsync(host, request) : await host.Llm.ChatAsync(request);

        Assert.Equal((4, 2), (answer.PromptTokens, answer.CachedPromptTokens));
        Assert.Equal(answer.PromptTokens + answer.CompletionTokens, answer.TotalTokens);
    }

    [Fact]
    public async Task ToolChoiceNone_KeepsTheModelFromCallingTools()
    {
        using var host = Host();
        var request = new ChatRequest
        {
            Messages = { new ChatMessage { Content = "Weather?" } },
            Tools = new() { new ToolDefinition { Name = "get_weather" } },
            ToolChoice = ToolChoice.None,
        };

        var answer = await host.Llm.ChatAsync(request);

        Assert.Null(answer.ToolCalls);
        Assert.True(_server.Conversations[^1].ToolsForbidden);
    }

    [Fact]
    public async Task Models_AreReadPageByPage()
    {
        var handler = new PagingHandler(
            """{"data":[{"type":"model","id":"m1","display_name":"M1","created_at":"2025-01-01T00:00:00Z"}],"has_more":true,"first_id":"m1","last_id":"m1"}""",
            """{"data":[{"type":"model","id":"m2","display_name":"M2","created_at":"not a date"}],"has_more":false,"first_id":"m2","last_id":"m2"}""");
        var backend = (IModelListingLlmBackend)WireFormat.CreateBuiltIn(new LlmBackendConfig { Name = "claude", Type = "Anthropic", ApiKey = Key }, handler);

        var models = await backend.ListModelsAsync();

        Assert.Equal(new[] { "m1", "m2" }, models.Select(m => m.Id));
        Assert.Null(models[1].Created);
        Assert.Equal(
            new[] { "https://api.anthropic.com/v1/models?limit=1000", "https://api.anthropic.com/v1/models?limit=1000&after_id=m1" },
            handler.Uris);
    }

    [Theory]
    [InlineData(false, true, "anthropic-version: header is required")]
    [InlineData(true, false, "max_tokens: Field required")]
    public async Task FakeServer_RejectsWhatTheRealApiRejects(bool withVersion, bool withMaxTokens, string expected)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, _server.BaseUrl + "/v1/messages")
        {
            Content = new StringContent(
                withMaxTokens ? """{"model":"claude-a","max_tokens":10,"messages":[]}""" : """{"model":"claude-a","messages":[]}""",
                Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        if (withVersion)
        {
            request.Headers.Add("anthropic-version", "2023-06-01");
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal("error", body["type"]!.GetValue<string>());
        Assert.Equal("invalid_request_error", body["error"]!["type"]!.GetValue<string>());
        Assert.Equal(expected, body["error"]!["message"]!.GetValue<string>());
    }

    /// <summary>Answers each request with the next body, and keeps the URIs asked for.</summary>
    private sealed class PagingHandler(params string[] bodies) : HttpMessageHandler
    {
        private readonly Queue<string> _bodies = new(bodies);

        public List<string> Uris { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Uris.Add(request.RequestUri!.ToString());
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(_bodies.Dequeue(), Encoding.UTF8, "application/json") });
        }
    }
}
