using System.ClientModel;
using System.ComponentModel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Mostlyucid.LlmBackend.AI;
using Mostlyucid.LlmBackend.AI.Backends;
using Mostlyucid.LlmBackend.AI.ChatClients;
using Mostlyucid.LlmBackend.AI.DependencyInjection;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.FakeProvider;
using Mostlyucid.LlmBackend.FakeProvider.Brain;
using Mostlyucid.LlmBackend.FakeProvider.Faults;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Tests.TestSupport;
using OpenAI;
using Llm = Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Tests.AI;

/// <summary>
/// Microsoft.Extensions.AI in both directions, over real HTTP to the fake provider: the library as an IChatClient under
/// MEAI's own middleware, and MEAI's OpenAI client as a backend behind a failover route.
/// </summary>
public sealed class MeaiChatClientTests : IAsyncDisposable
{
    private static readonly string LongResult = string.Join(' ', Enumerable.Range(1, 40).Select(i => $"fact{i:00}"));
    private FakeProviderServer? _upstream;
    private LlmTestHost? _host;

    public async ValueTask DisposeAsync()
    {
        _host?.Dispose();
        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }
    }

    [Fact]
    public async Task FunctionInvocation_OverAFailoverRoute_WhoseFirstBackendDiesMidStream_GetsTheWholeAnswer()
    {
        // The primary breaks after 12 events of every stream: the tool call (a few events) gets through, the final
        // answer ("The tool said: " + 40 words) is cut and continued on the fallback.
        await StartAsync(primaryFault: "cut-after=12");
        var calls = 0;
        var lookUp = AIFunctionFactory.Create(([Description("A city")] string city) =>
        {
            calls++;
            return LongResult;
        }, "look_up", "Looks up facts about a city.");
        using var client = new ChatClientBuilder(_host!.Llm.AsIChatClient("chat")).UseFunctionInvocation().Build();

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("What about Paris?", new ChatOptions { Tools = [lookUp] }))
        {
            updates.Add(update);
        }

        var response = updates.ToChatResponse();
        Assert.Equal(1, calls);
        Assert.Equal("The tool said: " + LongResult, response.Messages[^1].Text);
        var last = (Llm.ChatStreamUpdate)updates.Last(u => u.RawRepresentation is Llm.ChatStreamUpdate).RawRepresentation!;
        Assert.Equal("fallback", last.BackendUsed);
        Assert.Contains(last.Attempts!, a => a.Role == Llm.AttemptRole.ReplayContinuation && a.Success);
    }

    [Fact]
    public async Task ToChatResponseAsync_OverOurStream_EqualsTheNonStreamedAnswer_WithUsageAndFinishReason()
    {
        await StartAsync(primaryFault: null);
        var client = _host!.Llm.AsIChatClient("chat");

        var streamed = await client.GetStreamingResponseAsync("tell me a story").ToChatResponseAsync();
        var whole = await client.GetResponseAsync("tell me a story");

        Assert.Equal(FakeBrain.Story, streamed.Text);
        Assert.Equal(whole.Text, streamed.Text);
        Assert.Equal(ChatFinishReason.Stop, streamed.FinishReason);
        Assert.Equal(whole.Usage!.OutputTokenCount, streamed.Usage!.OutputTokenCount);
        Assert.Equal("primary", whole.AdditionalProperties![MeaiResponses.BackendKey]);
        Assert.Equal(1, whole.AdditionalProperties[MeaiResponses.AttemptsKey]);
        Assert.IsType<Llm.LlmResponse>(whole.RawRepresentation);
        Assert.Same(_host.Llm, client.GetService<ILlmService>());
        Assert.Equal("chat", client.GetService<ChatClientMetadata>()!.DefaultModelId);
    }

    [Fact]
    public async Task ChatOptionsInstructions_BecomeTheSystemPrompt()
    {
        await StartAsync(primaryFault: null);

        await _host!.Llm.AsIChatClient("chat").GetResponseAsync("tell me a story", new ChatOptions { Instructions = "Answer in one line." });

        Assert.Equal("Answer in one line.", Assert.Single(_upstream!.Conversations).System);
    }

    [Fact]
    public async Task AFailedRequest_IsThrown_WithTheErrorAndEveryAttempt()
    {
        await StartAsync(primaryFault: "status=400");
        var client = _host!.Llm.AsIChatClient("chat");

        var error = await Assert.ThrowsAsync<Llm.LlmBackendException>(() => client.GetResponseAsync("tell me a story"));

        Assert.Equal(Llm.LlmErrorKind.InvalidRequest, error.Error.Kind);
        Assert.Equal("primary", Assert.Single(error.Attempts).BackendName);
    }

    [Fact]
    public async Task TheMiddlewareWorksInEitherPosition_AroundUsAndInsideABackend()
    {
        var innerCache = new DictionaryDistributedCache();
        await StartAsync(primaryFault: null, configure: services =>
        {
            // An MEAI pipeline (logging, telemetry, caching, function invocation) as a backend…
            services.AddKeyedChatClient("inner", sp => OpenAiClient("story-meai"))
                .UseLogging()
                .UseOpenTelemetry()
                .UseDistributedCache(innerCache)
                .UseFunctionInvocation();
        }, more: s => s.Backends.Add(new LlmBackendConfig { Name = "meai", Type = ChatClientBackendsPlugin.BackendType, Priority = 3, ProviderOptions = { [ChatClientBackendsPlugin.ServiceKeyOption] = "inner" } }));

        // …and the same middleware around the library.
        var outerCache = new DictionaryDistributedCache();
        using var client = new ChatClientBuilder(_host!.Llm.AsIChatClient("meai"))
            .UseLogging(_host.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>())
            .UseOpenTelemetry()
            .UseDistributedCache(outerCache)
            .UseFunctionInvocation()
            .Build();

        var response = await client.GetResponseAsync("tell me a story");
        var again = await client.GetResponseAsync("tell me a story");

        Assert.Equal(FakeBrain.Story, response.Text);
        Assert.Equal("meai", response.AdditionalProperties![MeaiResponses.BackendKey]);
        Assert.Equal("story-meai", response.ModelId);
        Assert.Equal(response.Text, again.Text);
        Assert.Equal((1, 1), (outerCache.Count, innerCache.Count));
        Assert.Single(_upstream!.Conversations);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AnMeaiClientFromDi_IsABackendBehindAFailoverRoute(bool stream)
    {
        _upstream = await FakeProviderServer.StartAsync(new FakeProviderOptions { Format = "openai" });
        _host = LlmTestHost.Create(
            s =>
            {
                s.Resilience.MaxRetries = 2;
                s.Resilience.RetryBaseDelayMs = 1;
                s.Resilience.RetryMaxDelayMs = 2;
                s.Backends.Add(new LlmBackendConfig { Name = "broken", Type = ChatClientBackendsPlugin.BackendType, Priority = 1, ProviderOptions = { [ChatClientBackendsPlugin.ServiceKeyOption] = "broken" } });
                s.Backends.Add(new LlmBackendConfig { Name = "working", Type = ChatClientBackendsPlugin.BackendType, Priority = 2, ProviderOptions = { [ChatClientBackendsPlugin.ServiceKeyOption] = "working" } });
                s.Routes.Add(new RouteConfig { Name = "chat", Backends = { "broken", "working" } });
            },
            services: services =>
            {
                services.AddLlmBackendChatClientBackends();
                services.AddKeyedChatClient("broken", _ => OpenAiClient("fault:status=503"));
                services.AddKeyedChatClient("working", _ => OpenAiClient("story-working"));
            },
            registerTestPlugin: false);
        var request = new Llm.ChatRequest { Model = "chat", Messages = { new Llm.ChatMessage { Content = "tell me a story" } } };

        string text, backend;
        IReadOnlyList<Llm.BackendAttempt> attempts;
        if (stream)
        {
            var updates = new List<Llm.ChatStreamUpdate>();
            await foreach (var update in _host.Llm.StreamChatAsync(request))
            {
                updates.Add(update);
            }

            (text, backend, attempts) = (string.Concat(updates.Select(u => u.ContentDelta)), updates[^1].BackendUsed!, updates[^1].Attempts!);
        }
        else
        {
            var response = await _host.Llm.ChatAsync(request);
            Assert.True(response.Success, response.ErrorMessage);
            (text, backend, attempts) = (response.Content, response.BackendUsed!, response.Attempts);
        }

        Assert.Equal((FakeBrain.Story, "working"), (text, backend));
        var failed = attempts.Where(a => a.BackendName == "broken").ToList();
        Assert.Equal(3, failed.Count);
        Assert.All(failed, a => Assert.Equal((Llm.LlmErrorKind.ServerError, 503), (a.Error!.Kind, a.Error.StatusCode!.Value)));
    }

    [Fact]
    public void ABackendThatWouldWrapOurOwnClient_IsRefusedWithAClearReason()
    {
        _host = LlmTestHost.Create(
            s => s.Backends.Add(new LlmBackendConfig { Name = "self", Type = ChatClientBackendsPlugin.BackendType }),
            services: services => services.AddLlmBackendChatClient(),
            registerTestPlugin: false);

        var backend = Assert.Single(_host.Llm.GetBackends());

        Assert.Equal(Llm.BackendStatus.Failed, backend.Status);
        Assert.Contains("would loop", backend.StatusReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddLlmBackendChatClient_RegistersOurClientForMeaiConsumers()
    {
        _upstream = await FakeProviderServer.StartAsync(new FakeProviderOptions { Format = "openai" });
        var baseUrl = _upstream.BaseUrl + "/v1";
        _host = LlmTestHost.Create(
            s => s.Backends.Add(new LlmBackendConfig { Name = "only", Type = "OpenAICompatible", BaseUrl = baseUrl, ModelName = "story-only", ApiKey = "k" }),
            services: services => services.AddLlmBackendChatClient().UseFunctionInvocation(),
            registerTestPlugin: false);

        var client = _host.Services.GetRequiredService<IChatClient>();
        var response = await client.GetResponseAsync("tell me a story");

        Assert.Equal(FakeBrain.Story, response.Text);
        Assert.NotNull(client.GetService<FunctionInvokingChatClient>());
        Assert.NotNull(client.GetService<LlmChatClient>());
    }

    [Fact]
    public async Task Embeddings_BothWays_TheLibraryAsAGenerator_OverAnMeaiGeneratorAsABackend()
    {
        _upstream = await FakeProviderServer.StartAsync(new FakeProviderOptions { Format = "openai" });
        var endpoint = new Uri(_upstream.BaseUrl + "/v1");
        _host = LlmTestHost.Create(
            s => s.Backends.Add(new LlmBackendConfig { Name = "meai", Type = ChatClientBackendsPlugin.BackendType, EmbeddingModelName = "embed-small", ProviderOptions = { [ChatClientBackendsPlugin.ServiceKeyOption] = "openai" } }),
            services: services =>
            {
                services.AddLlmBackendChatClientBackends();
                services.AddKeyedChatClient("openai", _ => OpenAiClient("story-meai"));
                services.AddKeyedEmbeddingGenerator("openai", _ => new OpenAIClient(new ApiKeyCredential("k"), new OpenAIClientOptions { Endpoint = endpoint }).GetEmbeddingClient("embed-small").AsIEmbeddingGenerator());
            },
            registerTestPlugin: false);
        var generator = _host.Llm.AsIEmbeddingGenerator();

        var embeddings = await generator.GenerateAsync(["one", "two", "three"]);

        Assert.Equal(3, embeddings.Count);
        Assert.All(embeddings, e => Assert.True(e.Vector.Length > 0));
        Assert.Equal("meai", embeddings.AdditionalProperties![MeaiResponses.BackendKey]);
        Assert.True(embeddings.Usage!.InputTokenCount > 0);
    }

    private IChatClient OpenAiClient(string model) =>
        new OpenAIClient(new ApiKeyCredential("k"), new OpenAIClientOptions { Endpoint = new Uri(_upstream!.BaseUrl + "/v1"), RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(0) })
            .GetChatClient(model)
            .AsIChatClient();

    private async Task StartAsync(string? primaryFault, Action<IServiceCollection>? configure = null, Action<LlmSettings>? more = null)
    {
        _upstream = await FakeProviderServer.StartAsync(new FakeProviderOptions { Format = "openai" });
        var baseUrl = _upstream.BaseUrl + "/v1";
        _host = LlmTestHost.Create(
            s =>
            {
                s.Resilience.MaxRetries = 0;
                var primary = new LlmBackendConfig { Name = "primary", Type = "OpenAICompatible", BaseUrl = baseUrl, ModelName = "story-primary", ApiKey = "k", Priority = 1 };
                if (primaryFault is not null)
                {
                    primary.Headers[FakeFault.Header] = primaryFault;
                }

                s.Backends.Add(primary);
                s.Backends.Add(new LlmBackendConfig { Name = "fallback", Type = "OpenAICompatible", BaseUrl = baseUrl, ModelName = "story-fallback", ApiKey = "k", Priority = 2 });
                s.Routes.Add(new RouteConfig { Name = "chat", Backends = { "primary", "fallback" } });
                more?.Invoke(s);
            },
            services: services =>
            {
                services.AddLlmBackendChatClientBackends();
                configure?.Invoke(services);
            },
            registerTestPlugin: false);
    }
}
