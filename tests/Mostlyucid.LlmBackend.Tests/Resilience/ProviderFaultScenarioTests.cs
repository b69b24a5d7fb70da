using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Resilience;

/// <summary>
/// The 16 provider faults of shared/design/resilience-scenarios.md, each meeting its "correct" column, streamed and not,
/// with time on a fake clock. Setup as the scenarios assume: a primary and a fallback, 30 s attempt limits, 2 retries
/// (streams: 10 s first-token and idle limits).
/// </summary>
public sealed class ProviderFaultScenarioTests : IDisposable
{
    private static readonly string[] Words = ScriptedBackend.Story.Split(' ');
    private readonly FakeTimeProvider _time = new();
    private LlmTestHost? _host;

    private ScriptedBackend Primary => _host!.Plugin.Scripted["primary"];

    private ScriptedBackend Fallback => _host!.Plugin.Scripted["fallback"];

    public void Dispose() => _host?.Dispose();

    private LlmTestHost Setup(Action<LlmSettings>? more = null, bool withFallback = true)
    {
        _host = LlmTestHost.Create(
            s =>
            {
                s.TimeoutSeconds = 30;
                s.Resilience.MaxRetries = 2;
                s.Resilience.FirstTokenTimeoutSeconds = 10;
                s.Resilience.IdleTimeoutSeconds = 10;
                s.Resilience.RequestDeadlineSeconds = 100;
                s.Backends.Add(new LlmBackendConfig { Name = "primary", Type = "Scripted", Priority = 1 });
                if (withFallback)
                {
                    s.Backends.Add(new LlmBackendConfig { Name = "fallback", Type = "Scripted", Priority = 2 });
                }

                more?.Invoke(s);
            },
            _time);
        _host.Llm.GetBackends();
        return _host;
    }

    private static ChatRequest Ask() => new() { Messages = { new ChatMessage { Content = "tell me a story" } } };

    /// <summary>Runs the request streamed or not; returns the text, who answered, and the error.</summary>
    private async Task<(string Text, string? Backend, LlmError? Error, IReadOnlyList<BackendAttempt> Attempts, bool Success)> RunAsync(bool stream)
    {
        if (!stream)
        {
            var response = await VirtualClock.RunAsync(_time, _host!.Llm.ChatAsync(Ask()));
            return (response.Content, response.BackendUsed, response.Error, response.Attempts, response.Success);
        }

        var (text, updates, error) = await VirtualClock.StreamAsync(_time, _host!.Llm.StreamChatAsync(Ask()));
        return (text, updates.LastOrDefault()?.BackendUsed, error?.Error, error?.Attempts ?? Array.Empty<BackendAttempt>(), error is null);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task S01_RateLimitedWithRetryAfter_WaitsTheHeaderThenRetries(bool stream)
    {
        Setup();
        Primary.Faults.Enqueue(new Fault.Status(429, TimeSpan.FromSeconds(2)));

        var result = await RunAsync(stream);

        Assert.True(result.Success);
        Assert.Equal(ScriptedBackend.Story, result.Text);
        Assert.Equal("primary", result.Backend);
        Assert.Equal(2, Primary.Calls.Count);
        Assert.True(Primary.Calls[1].At - Primary.Calls[0].At >= TimeSpan.FromSeconds(2), $"retried after {Primary.Calls[1].At - Primary.Calls[0].At}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task S02_RateLimitedForever_BacksOffBoundedThenFailsOver(bool stream)
    {
        Setup();
        Primary.Always = new Fault.Status(429);

        var result = await RunAsync(stream);

        Assert.True(result.Success);
        Assert.Equal("fallback", result.Backend);
        Assert.InRange(Primary.Calls.Count, 2, 4);
        Assert.True(Primary.Calls[^1].At - Primary.Calls[0].At <= TimeSpan.FromSeconds(3));
        Assert.True(Primary.Calls[1].At > Primary.Calls[0].At, "backoff between attempts");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task S03_ServerErrorOnce_RetriesTheSameBackendAndSucceeds(bool stream)
    {
        Setup();
        Primary.Faults.Enqueue(new Fault.Status(500));

        var result = await RunAsync(stream);

        Assert.Equal(("primary", ScriptedBackend.Story), (result.Backend, result.Text));
        Assert.Equal(2, Primary.Calls.Count);
        Assert.Empty(Fallback.Calls);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task S04_ServiceUnavailableForever_BoundedAttemptsThenFailover(bool stream)
    {
        Setup();
        Primary.Always = new Fault.Status(503);

        var result = await RunAsync(stream);

        Assert.Equal("fallback", result.Backend);
        Assert.Equal(3, Primary.Calls.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task S04_ServiceUnavailableForever_WithNowhereToGo_SurfacesTheProvidersError(bool stream)
    {
        Setup(withFallback: false);
        Primary.Always = new Fault.Status(503);

        var result = await RunAsync(stream);

        Assert.False(result.Success);
        Assert.Equal((LlmErrorKind.ServerError, 503), (result.Error!.Kind, result.Error.StatusCode!.Value));
        Assert.Contains("HTTP 503 from primary", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal(3, Primary.Calls.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task S05_ResetBeforeAnyResponse_IsRetriedAndAnswered(bool stream)
    {
        Setup();
        Primary.Faults.Enqueue(new Fault.Reset());

        var result = await RunAsync(stream);

        Assert.Equal(("primary", ScriptedBackend.Story), (result.Backend, result.Text));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task S06_SilentBackend_TimesOutOnceThenFailsOverWithinTheBudget(bool stream)
    {
        Setup();
        Primary.Always = new Fault.Silent();
        var started = _time.GetUtcNow();

        var result = await RunAsync(stream);

        Assert.Equal("fallback", result.Backend);
        Assert.Single(Primary.Calls);
        Assert.True(_time.GetUtcNow() - started <= TimeSpan.FromSeconds(stream ? 12 : 32), $"took {_time.GetUtcNow() - started}");
        Assert.Equal(LlmErrorKind.Timeout, result.Attempts.Count > 0 ? result.Attempts[0].Error!.Kind : LlmErrorKind.Timeout);
    }

    [Fact]
    public async Task S07_FirstTokenAfter20s_StreamFailsOverAtTheFirstTokenLimit()
    {
        Setup();
        Primary.Faults.Enqueue(new Fault.SlowFirstToken(TimeSpan.FromSeconds(20)));

        var result = await RunAsync(stream: true);

        Assert.Equal(("fallback", ScriptedBackend.Story), (result.Backend, result.Text));
        Assert.Single(Primary.Calls);
        Assert.True(Fallback.Calls[0].At - Primary.Calls[0].At is var wait && wait >= TimeSpan.FromSeconds(10) && wait < TimeSpan.FromSeconds(11), $"failed over after {wait}");
    }

    [Fact]
    public async Task S07_FirstTokenAfter20s_NonStreamedStillAnswersWithinItsLimit()
    {
        Setup();
        Primary.Faults.Enqueue(new Fault.SlowFirstToken(TimeSpan.FromSeconds(20)));

        var result = await RunAsync(stream: false);

        Assert.Equal(("primary", ScriptedBackend.Story), (result.Backend, result.Text));
    }

    [Fact]
    public async Task S08_StreamCutAfter40Words_ContinuesOnTheFallbackFromThePrefill()
    {
        Setup();
        Primary.Faults.Enqueue(new Fault.CutAfter(40));
        Fallback.SupportsAssistantPrefill = true;

        var result = await RunAsync(stream: true);

        Assert.True(result.Success);
        Assert.Equal(ScriptedBackend.Story, result.Text);
        Assert.True(Fallback.Calls.Single().Prefill);
    }

    [Fact]
    public async Task S08_StreamCutAfter40Words_WithoutAPrefillCapableFallback_EndsWithAnExplicitError()
    {
        Setup();
        Primary.Faults.Enqueue(new Fault.CutAfter(40));

        var result = await RunAsync(stream: true);

        Assert.False(result.Success);
        Assert.Equal(string.Join(' ', Words.Take(40)) + " ", result.Text);
        Assert.Equal(LlmErrorKind.Network, result.Error!.Kind);
        Assert.StartsWith("The stream from backend 'primary' broke after", result.Error.Message, StringComparison.Ordinal);
        Assert.EndsWith("The answer is incomplete.", result.Error.Message, StringComparison.Ordinal);
        Assert.Empty(Fallback.Calls);
    }

    [Fact]
    public async Task S08_CutNonStreamedAnswer_IsRetriedWhole()
    {
        Setup();
        Primary.Faults.Enqueue(new Fault.CutAfter(40));

        var result = await RunAsync(stream: false);

        Assert.Equal(("primary", ScriptedBackend.Story), (result.Backend, result.Text));
        Assert.Equal(2, Primary.Calls.Count);
    }

    [Fact]
    public async Task S09_StreamStallsAfter20Words_IsDetectedAndContinuedElsewhere_AndTheServiceStaysHealthy()
    {
        Setup();
        Primary.Faults.Enqueue(new Fault.StallAfter(20, TimeSpan.FromSeconds(30)));
        Fallback.SupportsAssistantPrefill = true;

        var result = await RunAsync(stream: true);
        var next = await RunAsync(stream: true);

        Assert.Equal(ScriptedBackend.Story, result.Text);
        Assert.Equal(LlmErrorKind.Timeout, result.Attempts.Count > 0 ? result.Attempts[0].Error!.Kind : LlmErrorKind.Timeout);
        Assert.Equal(("primary", ScriptedBackend.Story), (next.Backend, next.Text));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task S10_InvalidTenthEvent_NothingGarbledReachesTheCaller(bool stream)
    {
        Setup();
        Primary.Faults.Enqueue(new Fault.MalformedAt(10));
        Fallback.SupportsAssistantPrefill = true;

        var result = await RunAsync(stream);

        Assert.True(result.Success);
        Assert.Equal(ScriptedBackend.Story, result.Text);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task S12_ContextLengthExceeded_GoesOnlyToALargerContextBackend(bool stream)
    {
        Setup(s =>
        {
            s.Backends[0].MaxInputTokens = 8_000;
            s.Backends[1].MaxInputTokens = 4_000;
            s.Backends.Add(new LlmBackendConfig { Name = "large", Type = "Scripted", Priority = 3, MaxInputTokens = 128_000 });
        });
        Primary.Always = new Fault.Status(400, ProviderCode: "context_length_exceeded");

        var result = await RunAsync(stream);

        Assert.Equal(("large", ScriptedBackend.Story), (result.Backend, result.Text));
        Assert.Single(Primary.Calls);
        Assert.Empty(Fallback.Calls);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task S12_ContextLengthExceeded_WithNoLargerBackend_FailsCleanlyWithoutRetrying(bool stream)
    {
        Setup(s => s.Backends[0].MaxInputTokens = 8_000);
        Primary.Always = new Fault.Status(400, ProviderCode: "context_length_exceeded");

        var result = await RunAsync(stream);

        Assert.False(result.Success);
        Assert.Equal(LlmErrorKind.ContextLengthExceeded, result.Error!.Kind);
        Assert.Single(Primary.Calls);
        Assert.Empty(Fallback.Calls);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task S13_ContentPolicy_IsNotRetriedAndTheProvidersReasonIsPropagated(bool stream)
    {
        Setup();
        Primary.Always = new Fault.Status(400, ProviderCode: "content_policy_violation");

        var result = await RunAsync(stream);

        Assert.False(result.Success);
        Assert.Equal((LlmErrorKind.ContentFiltered, "content_policy_violation"), (result.Error!.Kind, result.Error.ProviderCode!));
        Assert.Single(Primary.Calls);
        Assert.Empty(Fallback.Calls);
    }

    [Fact]
    public async Task S14_FallbackRejectsThePrefill_TheCutIsTheReportedCause_NeverATruncatedSuccess()
    {
        Setup(s => s.Backends.Add(new LlmBackendConfig { Name = "no-prefill", Type = "Scripted", Priority = 3 }));
        Primary.Faults.Enqueue(new Fault.CutAfter(40));
        Fallback.SupportsAssistantPrefill = true;
        Fallback.Always = new Fault.RejectPrefill();

        var result = await RunAsync(stream: true);

        Assert.False(result.Success);
        Assert.Equal(LlmErrorKind.Network, result.Error!.Kind);
        Assert.StartsWith("The stream from backend 'primary' broke after", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("Continuing it elsewhere failed", result.Error.Message, StringComparison.Ordinal);
        Assert.Single(Fallback.Calls);
        Assert.Empty(_host!.Plugin.Scripted["no-prefill"].Calls);
    }

    [Fact]
    public async Task S15_OutageThenRecovery_CircuitOpensServesFallbackProbesAndReturnsWithin30s()
    {
        Setup();
        var start = _time.GetUtcNow();
        Primary.OutageUntil = start + TimeSpan.FromSeconds(60);
        var answeredBy = new List<(TimeSpan At, string? Backend)>();

        for (var i = 0; i < 20; i++)
        {
            var slot = start + TimeSpan.FromSeconds(4 * i);
            if (_time.GetUtcNow() < slot)
            {
                _time.Advance(slot - _time.GetUtcNow());
            }

            var result = await RunAsync(stream: i % 2 == 0);
            Assert.True(result.Success, result.Error?.Message);
            answeredBy.Add((_time.GetUtcNow() - start, result.Backend));
        }

        var callsDuringOutage = Primary.Calls.Count(c => c.At < start + TimeSpan.FromSeconds(60));
        var backOnPrimary = answeredBy.First(a => a.At >= TimeSpan.FromSeconds(60) && a.Backend == "primary").At;
        Assert.InRange(callsDuringOutage, 4, 10);
        Assert.True(backOnPrimary <= TimeSpan.FromSeconds(90), $"back on the primary at {backOnPrimary}");
        Assert.All(answeredBy.Where(a => a.At > backOnPrimary), a => Assert.Equal("primary", a.Backend));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task S16_PrimaryDownFallbackAnswers_ResponseNamesTheFallbacksModelAndUsage_FailedAttemptsNotBilled(bool stream)
    {
        Setup();
        Primary.Always = new Fault.Status(503);

        if (!stream)
        {
            var response = await VirtualClock.RunAsync(_time, _host!.Llm.ChatAsync(Ask()));
            Assert.Equal(("fallback", "fallback-model", 5, 60), (response.BackendUsed, response.ModelUsed, response.PromptTokens, response.CompletionTokens));
        }
        else
        {
            var (_, updates, _) = await VirtualClock.StreamAsync(_time, _host!.Llm.StreamChatAsync(Ask()));
            var accumulated = new ChatStreamAccumulator();
            updates.ForEach(accumulated.Add);
            var response = accumulated.ToResponse();
            Assert.Equal(("fallback", "fallback-model", 5, 60), (response.BackendUsed, response.ModelUsed, response.PromptTokens, response.CompletionTokens));
        }

        var stats = _host.Llm.GetStatistics();
        Assert.Equal((0L, 3L), (stats.Backends.Single(b => b.BackendName == "primary").SuccessfulRequests, stats.Backends.Single(b => b.BackendName == "primary").FailedRequests));
        Assert.Equal((1L, 1L, 1L), (stats.TotalRequests, stats.SuccessfulRequests, stats.FailedOverRequests));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Hedged_SlowFirstBackend_TheSecondStartsAfterTheDelayAndAnswers(bool stream)
    {
        Setup(s =>
        {
            s.SelectionStrategy = BackendSelectionStrategy.Hedged;
            s.Resilience.HedgingDelayMs = 1000;
        });
        Primary.Faults.Enqueue(new Fault.SlowFirstToken(TimeSpan.FromSeconds(8)));

        var result = await RunAsync(stream);

        Assert.Equal(("fallback", ScriptedBackend.Story), (result.Backend, result.Text));
        Assert.True(Fallback.Calls[0].At - Primary.Calls[0].At is var gap && gap >= TimeSpan.FromSeconds(1) && gap < TimeSpan.FromSeconds(2), $"hedged after {gap}");
    }

    [Fact]
    public async Task Deadline_BoundsTheWholeRequest()
    {
        Setup(s =>
        {
            s.Resilience.RequestDeadlineSeconds = 5;
            s.Resilience.MaxRetries = 5;
        });
        Primary.Always = new Fault.Status(429, TimeSpan.FromSeconds(4));
        Fallback.Always = new Fault.Status(429, TimeSpan.FromSeconds(4));
        var started = _time.GetUtcNow();

        var result = await RunAsync(stream: false);

        Assert.False(result.Success);
        Assert.Equal(LlmErrorKind.Timeout, result.Error!.Kind);
        Assert.StartsWith("The request did not finish within its deadline of 5 s", result.Error.Message, StringComparison.Ordinal);
        Assert.True(_time.GetUtcNow() - started < TimeSpan.FromSeconds(6));
    }

    [Fact]
    public async Task BrokenStream_ContinuesOnABackendThatFailedBeforeAnswering_WhenNoUntriedOneIsLeft()
    {
        Setup();
        for (var i = 0; i < 3; i++)
        {
            Primary.Faults.Enqueue(new Fault.Status(503));
        }

        Primary.SupportsAssistantPrefill = true;
        Fallback.Faults.Enqueue(new Fault.CutAfter(40));

        var result = await RunAsync(stream: true);

        Assert.True(result.Success, result.Error?.Message);
        Assert.Equal(ScriptedBackend.Story, result.Text);
        Assert.Equal(4, Primary.Calls.Count);
        Assert.True(Primary.Calls[^1].Prefill);
    }

    [Fact]
    public async Task BrokenStream_ContinuesOnTheSameBackend_WhenItIsTheOnlyOneTakingAPrefill()
    {
        Setup();
        Primary.Faults.Enqueue(new Fault.CutAfter(40));
        Primary.SupportsAssistantPrefill = true;

        var result = await RunAsync(stream: true);

        Assert.True(result.Success, result.Error?.Message);
        Assert.Equal((ScriptedBackend.Story, "primary"), (result.Text, result.Backend));
        Assert.Equal(new[] { false, true }, Primary.Calls.Select(c => c.Prefill));
        Assert.Empty(Fallback.Calls);
    }

    [Fact]
    public async Task BrokenStream_EachBackendContinuesItOnce_AndTheErrorSaysTheContinuationBrokeToo()
    {
        Setup();
        Primary.Faults.Enqueue(new Fault.CutAfter(40));
        Primary.Faults.Enqueue(new Fault.CutAfter(10));
        Primary.SupportsAssistantPrefill = true;

        var result = await RunAsync(stream: true);

        Assert.False(result.Success);
        Assert.Equal(string.Join(' ', Words.Take(50)) + " ", result.Text);
        Assert.Equal(new[] { false, true }, Primary.Calls.Select(c => c.Prefill));
        Assert.StartsWith("The stream from backend 'primary' broke after", result.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("It was continued on backend 'primary', which broke too (", result.Error.Message, StringComparison.Ordinal);
        Assert.Empty(Fallback.Calls);
    }
}
