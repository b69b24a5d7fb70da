using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Telemetry;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Telemetry;

/// <summary>
/// The library's spans and metrics as OpenTelemetry's SDK receives them (docs/telemetry.md): one request span with a child
/// per attempt, the GenAI conventions' attributes and metrics and ours, for chat, streams and embeddings.
/// </summary>
[Collection(nameof(TelemetryCollection))]
public sealed class TelemetryLlmServiceTests : IDisposable
{
    private readonly string _primary = Unique("primary");
    private readonly string _fallback = Unique("fallback");
    private LlmTestHost? _host;

    private string[] Backends => new[] { _primary, _fallback };

    private ScriptedBackend Primary => _host!.Plugin.Scripted[_primary];

    private ScriptedBackend Fallback => _host!.Plugin.Scripted[_fallback];

    public void Dispose() => _host?.Dispose();

    [Fact]
    public async Task Chat_FailedOver_IsOneSpanWithAChildPerAttempt_AndItsMetrics()
    {
        var route = Unique("story");
        Setup(s => s.Routes.Add(new RouteConfig { Name = route, Backends = { _primary, _fallback } }));
        Primary.Always = new Fault.Status(503);
        using var capture = new TelemetryCapture();

        LlmResponse response;
        using (capture.Root())
        using (LlmCallContext.Begin(new LlmCallContext { CallerName = "team-a", RequestId = "req-1" }))
        {
            response = await _host!.Llm.ChatAsync(new ChatRequest { Model = route, MaxTokens = 100, Temperature = 0.5, Messages = { new ChatMessage { Content = "tell me a story" } } });
        }

        Assert.True(response.Success);
        var request = capture.RequestSpan;
        Assert.Equal($"chat {route}", request.DisplayName);
        Assert.Equal(ActivityKind.Client, request.Kind);
        Assert.Equal(ActivityStatusCode.Unset, request.Status);
        AssertTags(request, new()
        {
            ["gen_ai.operation.name"] = "chat",
            ["gen_ai.request.model"] = route,
            ["gen_ai.request.max_tokens"] = 100,
            ["gen_ai.request.temperature"] = 0.5,
            ["gen_ai.provider.name"] = "scripted",
            ["gen_ai.response.model"] = _fallback + "-model",
            ["gen_ai.usage.input_tokens"] = 5,
            ["gen_ai.usage.output_tokens"] = 60,
            ["llmb.route"] = route,
            ["llmb.backend"] = _fallback,
            ["llmb.caller"] = "team-a",
            ["llmb.request_id"] = "req-1",
            ["llmb.attempts"] = 2,
            ["llmb.failovers"] = 1,
            ["llmb.retries"] = 0,
            ["llmb.hedges"] = 0,
            ["llmb.continuations"] = 0,
        });
        Assert.Equal(new[] { "stop" }, (string[])request.GetTagItem("gen_ai.response.finish_reasons")!);
        Assert.Null(request.GetTagItem("error.type"));
        Assert.Null(request.GetTagItem("gen_ai.input.messages"));
        Assert.Null(request.GetTagItem("gen_ai.output.messages"));

        var attempts = capture.ChildrenOf(request);
        Assert.Equal(2, attempts.Count);
        Assert.Equal($"attempt {_primary}", attempts[0].DisplayName);
        AssertTags(attempts[0], new() { ["llmb.backend"] = _primary, ["llmb.attempt.role"] = "request", ["llmb.attempt.outcome"] = "server_error", ["error.type"] = "server_error", ["gen_ai.provider.name"] = "scripted" });
        Assert.Equal(ActivityStatusCode.Error, attempts[0].Status);
        Assert.Equal($"attempt {_fallback}", attempts[1].DisplayName);
        AssertTags(attempts[1], new() { ["llmb.backend"] = _fallback, ["llmb.attempt.role"] = "request", ["llmb.attempt.outcome"] = "success" });
        Assert.Equal(ActivityStatusCode.Unset, attempts[1].Status);

        var duration = Assert.Single(capture.Points("gen_ai.client.operation.duration", Backends));
        Assert.Equal(
            new Dictionary<string, object?> { ["gen_ai.operation.name"] = "chat", ["gen_ai.provider.name"] = "scripted", ["llmb.backend"] = _fallback, ["gen_ai.request.model"] = route },
            duration.Tags);
        Assert.Equal(1, duration.Point.GetHistogramCount());
        var tokens = capture.Points("gen_ai.client.token.usage", Backends);
        Assert.Equal(2, tokens.Count);
        Assert.Equal(5, tokens.Single(t => Equals(t.Tags["gen_ai.token.type"], "input")).Point.GetHistogramSum());
        Assert.Equal(60, tokens.Single(t => Equals(t.Tags["gen_ai.token.type"], "output")).Point.GetHistogramSum());
        Assert.All(tokens, t => Assert.Equal(route, t.Tags["gen_ai.request.model"]));
        Assert.Equal(1, capture.Sum("llmb.attempts", Backends, ("llmb.backend", _primary), ("llmb.attempt.role", "request"), ("llmb.attempt.outcome", "server_error")));
        Assert.Equal(1, capture.Sum("llmb.attempts", Backends, ("llmb.backend", _fallback), ("llmb.attempt.outcome", "success")));
        Assert.Equal(1, capture.Sum("llmb.failovers", Backends, ("llmb.backend", _primary), ("gen_ai.operation.name", "chat")));
        Assert.Empty(capture.Points("llmb.retries", Backends));
        Assert.Empty(capture.Points("gen_ai.client.operation.time_to_first_chunk", Backends));
    }

    [Fact]
    public async Task Chat_RetriedOnTheSameBackend_CountsARetryNotAFailover()
    {
        Setup(s => s.Resilience.MaxRetries = 1);
        Primary.Faults.Enqueue(new Fault.Status(500));
        Primary.Faults.Enqueue(new Fault.Status(500));
        using var capture = new TelemetryCapture();

        using (capture.Root())
        {
            Assert.True((await VirtualClock.RunAsync(_time, _host!.Llm.ChatAsync(Ask()))).Success);
        }

        AssertTags(capture.RequestSpan, new() { ["llmb.attempts"] = 3, ["llmb.retries"] = 1, ["llmb.failovers"] = 1, ["llmb.backend"] = _fallback });
        Assert.Equal(3, capture.ChildrenOf(capture.RequestSpan).Count);
        Assert.Equal(1, capture.Sum("llmb.retries", Backends, ("llmb.backend", _primary)));
        Assert.Equal(1, capture.Sum("llmb.failovers", Backends, ("llmb.backend", _primary)));
    }

    [Fact]
    public async Task Stream_ContinuedAfterAMidStreamBreak_HasAContinuationChild_AndTheTimeToFirstChunk()
    {
        Setup();
        Primary.Faults.Enqueue(new Fault.CutAfter(40));
        Fallback.SupportsAssistantPrefill = true;
        using var capture = new TelemetryCapture();

        var text = new System.Text.StringBuilder();
        using (var root = capture.Root())
        using (LlmCallContext.Begin(new LlmCallContext { CallerName = "reader" }))
        {
            await foreach (var update in _host!.Llm.StreamChatAsync(Ask()))
            {
                text.Append(update.ContentDelta);

                // The caller reads on in a context of its own: the continuation must still be the request's child.
                Activity.Current = null;
            }

            Activity.Current = root;
        }

        Assert.Equal(ScriptedBackend.Story, text.ToString());
        var request = capture.RequestSpan;
        Assert.Equal("chat", request.DisplayName);
        AssertTags(request, new()
        {
            ["gen_ai.operation.name"] = "chat",
            ["gen_ai.request.stream"] = true,
            ["llmb.backend"] = _fallback,
            ["llmb.attempts"] = 2,
            ["llmb.continuations"] = 1,
            ["llmb.failovers"] = 0,
            ["gen_ai.usage.output_tokens"] = 20,
        });
        Assert.True((double)request.GetTagItem("gen_ai.response.time_to_first_chunk")! >= 0);
        Assert.True(request.Duration > TimeSpan.Zero);

        // The continuation was opened while the caller read the stream: it is still the request's child.
        var attempts = capture.ChildrenOf(request);
        Assert.Equal(2, attempts.Count);
        AssertTags(attempts[0], new() { ["llmb.backend"] = _primary, ["llmb.attempt.role"] = "request", ["llmb.attempt.outcome"] = "network", ["error.type"] = "network" });
        AssertTags(attempts[1], new() { ["llmb.backend"] = _fallback, ["llmb.attempt.role"] = "prefill_continuation", ["llmb.attempt.outcome"] = "success" });
        Assert.True(attempts[0].StartTimeUtc + attempts[0].Duration <= attempts[1].StartTimeUtc + attempts[1].Duration);

        Assert.Equal(1, capture.Sum("llmb.continuations", Backends, ("llmb.backend", _fallback)));
        Assert.Equal(1, capture.Sum("llmb.attempts", Backends, ("llmb.backend", _fallback), ("llmb.attempt.role", "prefill_continuation"), ("llmb.attempt.outcome", "success")));
        Assert.Equal(1, capture.Sum("llmb.attempts", Backends, ("llmb.backend", _primary), ("llmb.attempt.outcome", "network")));
        Assert.Empty(capture.Points("llmb.failovers", Backends));

        // The first chunk came from the backend that broke; the answer from the one that continued it.
        var first = Assert.Single(capture.Points("gen_ai.client.operation.time_to_first_chunk", Backends));
        Assert.Equal(_primary, first.Tags["llmb.backend"]);
        Assert.Equal(1, first.Point.GetHistogramCount());
        Assert.Equal(_fallback, Assert.Single(capture.Points("gen_ai.client.operation.duration", Backends)).Tags["llmb.backend"]);
    }

    [Fact]
    public async Task Stream_HedgedOnASlowFirstToken_RecordsTheHedge_AndTheLoserAsCancelled()
    {
        Setup();
        Primary.Faults.Enqueue(new Fault.SlowFirstToken(TimeSpan.FromSeconds(20)));
        using var capture = new TelemetryCapture();

        using (capture.Root())
        {
            var (text, _, error) = await VirtualClock.StreamAsync(_time, _host!.Llm.StreamChatAsync(Ask()));
            Assert.Null(error);
            Assert.Equal(ScriptedBackend.Story, text);
        }

        var request = capture.RequestSpan;
        AssertTags(request, new() { ["llmb.backend"] = _fallback, ["llmb.hedges"] = 1, ["llmb.attempts"] = 2 });
        var attempts = capture.ChildrenOf(request);
        Assert.Equal(2, attempts.Count);
        AssertTags(attempts.Single(a => Equals(a.GetTagItem("llmb.backend"), _primary)), new() { ["llmb.attempt.role"] = "request", ["llmb.attempt.outcome"] = "cancelled" });
        AssertTags(attempts.Single(a => Equals(a.GetTagItem("llmb.backend"), _fallback)), new() { ["llmb.attempt.role"] = "hedge", ["llmb.attempt.outcome"] = "success" });
        Assert.Equal(1, capture.Sum("llmb.hedges", Backends, ("llmb.backend", _fallback)));
        Assert.Equal(1, capture.Sum("llmb.attempts", Backends, ("llmb.backend", _primary), ("llmb.attempt.outcome", "cancelled")));
    }

    [Fact]
    public async Task Chat_WithTheHedgedStrategy_RecordsTheHedge_AndTheLosersSpanAsCancelled()
    {
        Setup(s =>
        {
            s.SelectionStrategy = BackendSelectionStrategy.Hedged;
            s.Resilience.HedgingDelayMs = 1000;
        });
        Primary.Faults.Enqueue(new Fault.SlowFirstToken(TimeSpan.FromSeconds(20)));
        using var capture = new TelemetryCapture();

        using (capture.Root())
        {
            Assert.Equal(_fallback, (await VirtualClock.RunAsync(_time, _host!.Llm.ChatAsync(Ask()))).BackendUsed);
        }

        var request = capture.RequestSpan;
        AssertTags(request, new() { ["llmb.hedges"] = 1, ["llmb.failovers"] = 0, ["llmb.backend"] = _fallback });
        var attempts = capture.ChildrenOf(request);
        Assert.Equal(2, attempts.Count);
        AssertTags(attempts[0], new() { ["llmb.backend"] = _primary, ["llmb.attempt.outcome"] = "cancelled" });
        AssertTags(attempts[1], new() { ["llmb.backend"] = _fallback, ["llmb.attempt.role"] = "hedge", ["llmb.attempt.outcome"] = "success" });
        Assert.Equal(1, capture.Sum("llmb.hedges", Backends, ("llmb.backend", _fallback)));
    }

    [Fact]
    public async Task Embeddings_AreAnEmbeddingsSpan_WithInputTokensOnly()
    {
        var model = Unique("embed");
        _host = LlmTestHost.Create(s => s.Backends.Add(new LlmBackendConfig { Name = _primary, Type = EmbeddingPlugin.Type, EmbeddingModelName = model }));
        _host.Loader.RegisterPlugin(new EmbeddingPlugin());
        using var capture = new TelemetryCapture();

        EmbeddingResponse response;
        using (capture.Root())
        {
            response = await _host.Llm.EmbedAsync(new EmbeddingRequest { Model = model, Inputs = { "alpha", "beta" }, Dimensions = 3 });
        }

        Assert.True(response.Success);
        var request = capture.RequestSpan;
        Assert.Equal($"embeddings {model}", request.DisplayName);
        AssertTags(request, new()
        {
            ["gen_ai.operation.name"] = "embeddings",
            ["gen_ai.request.model"] = model,
            ["gen_ai.embeddings.dimension.count"] = 3,
            ["gen_ai.provider.name"] = "telemetryembedding",
            ["gen_ai.response.model"] = model,
            ["gen_ai.usage.input_tokens"] = 2,
            ["llmb.backend"] = _primary,
            ["llmb.attempts"] = 1,
        });
        Assert.Null(request.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.Equal("success", Assert.Single(capture.ChildrenOf(request)).GetTagItem("llmb.attempt.outcome"));
        var tokens = Assert.Single(capture.Points("gen_ai.client.token.usage", _primary));
        Assert.Equal("input", tokens.Tags["gen_ai.token.type"]);
        Assert.Equal("embeddings", tokens.Tags["gen_ai.operation.name"]);
        Assert.Equal(2, tokens.Point.GetHistogramSum());
        Assert.Equal("embeddings", Assert.Single(capture.Points("gen_ai.client.operation.duration", _primary)).Tags["gen_ai.operation.name"]);
    }

    [Fact]
    public async Task Chat_WithAModelThatIsNotConfigured_KeepsItOffTheSpanNameAndTheMetrics()
    {
        Setup();
        using var capture = new TelemetryCapture();

        using (capture.Root())
        {
            var request = Ask();
            request.Model = "made-up-" + Guid.NewGuid();
            Assert.True((await _host!.Llm.ChatAsync(request)).Success);
        }

        var span = capture.RequestSpan;
        Assert.Equal("chat", span.DisplayName);
        Assert.StartsWith("made-up-", (string)span.GetTagItem("gen_ai.request.model")!, StringComparison.Ordinal);
        Assert.Equal("other", Assert.Single(capture.Points("gen_ai.client.operation.duration", Backends)).Tags["gen_ai.request.model"]);
    }

    [Fact]
    public async Task Chat_RefusedByValidation_EndsWithItsErrorType()
    {
        Setup();
        using var capture = new TelemetryCapture();

        using (capture.Root())
        {
            var request = Ask();
            request.Temperature = 7;
            Assert.False((await _host!.Llm.ChatAsync(request)).Success);
        }

        var span = capture.RequestSpan;
        AssertTags(span, new() { ["error.type"] = "invalid_request", ["gen_ai.provider.name"] = "none", ["llmb.attempts"] = 0 });
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Empty(capture.ChildrenOf(span));
    }

    [Fact]
    public async Task Chat_WithRecordContent_RecordsTheMessagesAsTheConventionsShapeThem()
    {
        Setup(s => s.Telemetry.RecordContent = true);
        using var capture = new TelemetryCapture();

        using (capture.Root())
        {
            var request = Ask();
            request.Messages.Insert(0, new ChatMessage { Role = ChatRole.System, Content = "be brief" });
            Assert.True((await _host!.Llm.ChatAsync(request)).Success);
        }

        var span = capture.RequestSpan;
        using var input = JsonDocument.Parse((string)span.GetTagItem("gen_ai.input.messages")!);
        Assert.Equal(
            """[{"role":"system","parts":[{"type":"text","content":"be brief"}]},{"role":"user","parts":[{"type":"text","content":"tell me a story"}]}]""",
            input.RootElement.GetRawText());
        using var output = JsonDocument.Parse((string)span.GetTagItem("gen_ai.output.messages")!);
        var message = Assert.Single(output.RootElement.EnumerateArray().ToList());
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal("stop", message.GetProperty("finish_reason").GetString());
        Assert.Equal(ScriptedBackend.Story, message.GetProperty("parts")[0].GetProperty("content").GetString());
    }

    [Fact]
    public async Task Stream_WithRecordContent_RecordsTheWholeAnswer_CutToMaxContentLength()
    {
        Setup(s =>
        {
            s.Telemetry.RecordContent = true;
            s.Telemetry.MaxContentLength = 11;
        });
        using var capture = new TelemetryCapture();

        using (capture.Root())
        {
            await foreach (var update in _host!.Llm.StreamChatAsync(Ask()))
            {
                Assert.NotNull(update);
            }
        }

        using var output = JsonDocument.Parse((string)capture.RequestSpan.GetTagItem("gen_ai.output.messages")!);
        Assert.Equal("w01 w02 w03…", output.RootElement[0].GetProperty("parts")[0].GetProperty("content").GetString());
    }

    [Fact]
    public async Task CircuitTransitions_AreCounted_OpenHalfOpenClosed()
    {
        Setup(s =>
        {
            s.Resilience.CircuitBreaker.ConsecutiveFailures = 1;
            s.Resilience.CircuitBreaker.BreakSeconds = 10;
        });
        using var capture = new TelemetryCapture();
        Primary.Faults.Enqueue(new Fault.Status(503));

        Assert.True((await _host!.Llm.ChatAsync(Ask())).Success);
        _time.Advance(TimeSpan.FromSeconds(11));
        var probe = await _host.Llm.ChatAsync(Ask());

        Assert.Equal(_primary, probe.BackendUsed);
        Assert.Equal(1, capture.Sum("llmb.breaker.transitions", Backends, ("llmb.backend", _primary), ("llmb.breaker.state", "open")));
        Assert.Equal(1, capture.Sum("llmb.breaker.transitions", Backends, ("llmb.backend", _primary), ("llmb.breaker.state", "half_open")));
        Assert.Equal(1, capture.Sum("llmb.breaker.transitions", Backends, ("llmb.backend", _primary), ("llmb.breaker.state", "closed")));
    }

    [Fact]
    public async Task WithNobodyListening_NoActivityIsCreated()
    {
        Assert.False(LlmTelemetry.Source.HasListeners(), "another test left a listener on the library's source");
        Activity? seen = null;
        using var host = LlmTestHost.Create(s => s.Backends.Add(LlmTestHost.TestBackend(_primary)));
        host.Llm.GetBackends();
        host.Plugin.Backends[_primary].Handler = (request, _) =>
        {
            seen = Activity.Current;
            return Task.FromResult(new LlmResponse { Success = true, Content = "hi", TotalTokens = 1 });
        };

        Assert.Null(Activity.Current);
        var response = await host.Llm.ChatAsync(new ChatRequest { Messages = { new ChatMessage { Content = "hello" } } });
        var streamed = 0;
        await foreach (var update in host.Llm.StreamChatAsync(new ChatRequest { Messages = { new ChatMessage { Content = "hello" } } }))
        {
            streamed++;
            Assert.Null(Activity.Current);
        }

        Assert.True(response.Success);
        Assert.Equal(1, streamed);
        Assert.Null(seen);
    }

    [Fact]
    public async Task WithAMeterFactory_TheMetricsComeFromTheApplicationsMeter()
    {
        _host = LlmTestHost.Create(
            s => s.Backends.Add(new LlmBackendConfig { Name = _primary, Type = "Scripted" }),
            _time,
            services: s => s.AddMetrics());
        var metrics = _host.Services.GetRequiredService<LlmMetrics>();
        Assert.NotSame(LlmMetrics.Shared, metrics);
        using var capture = new TelemetryCapture();

        Assert.True((await _host.Llm.ChatAsync(Ask())).Success);

        Assert.Equal(1, Assert.Single(capture.Points("gen_ai.client.operation.duration", _primary)).Point.GetHistogramCount());
    }

    private readonly FakeTimeProvider _time = new();

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)];

    private static ChatRequest Ask() => new() { Messages = { new ChatMessage { Content = "tell me a story" } } };

    private static void AssertTags(Activity span, Dictionary<string, object> expected)
    {
        foreach (var (key, value) in expected)
        {
            Assert.True(Equals(value, span.GetTagItem(key)), $"{span.DisplayName}: {key} is {span.GetTagItem(key) ?? "(not set)"}, expected {value}");
        }
    }

    private void Setup(Action<LlmSettings>? more = null)
    {
        _host = LlmTestHost.Create(
            s =>
            {
                s.Backends.Add(new LlmBackendConfig { Name = _primary, Type = "Scripted", Priority = 1 });
                s.Backends.Add(new LlmBackendConfig { Name = _fallback, Type = "Scripted", Priority = 2 });
                more?.Invoke(s);
            },
            _time);
        _host.Llm.GetBackends();
    }

    /// <summary>A plugin whose backends embed each input as three numbers and report a token per input.</summary>
    private sealed class EmbeddingPlugin : ILlmBackendPlugin
    {
        public const string Type = "TelemetryEmbedding";

        public string PluginId => "tests.telemetry-embedding";

        public string PluginName => "Embeddings for telemetry tests";

        public string Version => "1.0.0";

        public string Author => "tests";

        public string Description => "Embeds without a provider.";

        public IEnumerable<string> SupportedBackendTypes => new[] { Type };

        public ILlmBackend CreateBackend(string backendType, LlmBackendConfig config, ILoggerFactory loggerFactory, IHttpClientFactory httpClientFactory) => new Backend(config);

        public bool Validate() => true;

        private sealed class Backend(LlmBackendConfig config) : ILlmBackend, IEmbeddingLlmBackend
        {
            public string Name => config.Name;

            public Task<bool> IsAvailableAsync(CancellationToken cancellationToken = default) => Task.FromResult(true);

            public Task<LlmResponse> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

            public Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

            public Task<BackendHealth> GetHealthAsync() => Task.FromResult(new BackendHealth { BackendName = Name });

            public Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default) => Task.FromResult(new EmbeddingResponse
            {
                Success = true,
                Embeddings = request.Inputs.Select(_ => new[] { 0.1f, 0.2f, 0.3f }).ToList(),
                ModelUsed = request.Model ?? config.EmbeddingModelName,
                PromptTokens = request.Inputs.Count,
                TotalTokens = request.Inputs.Count,
            });
        }
    }
}
