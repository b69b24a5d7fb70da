using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Streaming;
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
    public async Task S07_FirstTokenAfter20s_IsHedged_TheFallbacksFirstTokenComesEarly_AndThePrimaryIsCancelled()
    {
        Setup();
        Primary.Faults.Enqueue(new Fault.SlowFirstToken(TimeSpan.FromSeconds(20)));

        var result = await RunAsync(stream: true);

        // No history yet: the hedge starts after FirstTokenHedging:DefaultDelayMs (5 s), well within the 10 s limit.
        Assert.Equal(("fallback", ScriptedBackend.Story), (result.Backend, result.Text));
        Assert.Single(Primary.Calls);
        Assert.True(Fallback.Calls[0].At - Primary.Calls[0].At is var wait && wait >= TimeSpan.FromSeconds(5) && wait < TimeSpan.FromSeconds(6), $"hedged after {wait}");
    }

    [Fact]
    public async Task AStreamOpenedByAHedgeRace_StillStopsWhenTheCallerCancelsMidAnswer()
    {
        // Two backends, so the stream is opened through first-token hedging's race (which the primary wins at once).
        Setup();
        Primary.Faults.Enqueue(new Fault.StallAfter(10, TimeSpan.FromSeconds(60)));
        using var caller = new CancellationTokenSource();

        async Task<int> ReadUntilCancelledAsync()
        {
            var read = 0;
            await foreach (var update in _host!.Llm.StreamChatAsync(Ask(), caller.Token))
            {
                if (++read == 10)
                {
                    await caller.CancelAsync();
                }
            }

            return read;
        }

        var started = _time.GetUtcNow();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => VirtualClock.RunAsync(_time, ReadUntilCancelledAsync()));

        // At once: not after the 10 s idle limit noticed the stall (the stream had lost its link to the caller's token).
        Assert.True(_time.GetUtcNow() - started < TimeSpan.FromSeconds(5), $"stopped after {_time.GetUtcNow() - started}");
        Assert.Empty(Fallback.Calls);
    }

    [Fact]
    public async Task S07_TheHedgesLoserIsRecordedAsCancelled_AndTheWinnerAsTheHedge()
    {
        Setup();
        Primary.Faults.Enqueue(new Fault.SlowFirstToken(TimeSpan.FromSeconds(20)));

        var (_, updates, error) = await VirtualClock.StreamAsync(_time, _host!.Llm.StreamChatAsync(Ask()));

        Assert.Null(error);
        var attempts = updates[^1].Attempts!;
        var primary = Assert.Single(attempts, a => a.BackendName == "primary");
        Assert.True(primary.Cancelled);
        Assert.Null(primary.Error);
        Assert.True(primary.UsageEstimated);
        Assert.True(primary.Usage!.PromptTokens > 0);
        var fallback = Assert.Single(attempts, a => a.BackendName == "fallback");
        Assert.Equal((AttemptRole.Hedge, true), (fallback.Role, fallback.Success));
        Assert.Equal("Closed", (await _host.Llm.GetHealthAsync()).Single(h => h.BackendName == "primary").CircuitState);
    }

    [Fact]
    public async Task S07_TheHedgingDelayFollowsTheBackendsOwnFirstTokenTimes()
    {
        Setup();
        for (var i = 0; i < 5; i++)
        {
            Primary.Faults.Enqueue(new Fault.SlowFirstToken(TimeSpan.FromMilliseconds(500)));
            Assert.True((await RunAsync(stream: true)).Success);
        }

        Primary.Faults.Enqueue(new Fault.SlowFirstToken(TimeSpan.FromSeconds(20)));
        var result = await RunAsync(stream: true);

        // p95 of 500 ms × DelayMultiplier 3 = 1.5 s.
        Assert.Equal("fallback", result.Backend);
        Assert.True(Fallback.Calls[0].At - Primary.Calls[^1].At is var wait && wait >= TimeSpan.FromSeconds(1.5) && wait < TimeSpan.FromSeconds(2), $"hedged after {wait}");
    }

    [Theory]
    [InlineData("backend")]
    [InlineData("route")]
    [InlineData("global")]
    public async Task S07_HedgingTurnedOff_WaitsForTheFirstTokenLimit(string where)
    {
        Setup(s =>
        {
            switch (where)
            {
                case "backend": s.Backends[0].HedgeFirstToken = false; break;
                case "route": s.Routes.Add(new RouteConfig { Name = "chat", Backends = { "primary", "fallback" }, HedgeFirstToken = false }); break;
                default: s.Resilience.FirstTokenHedging.Enabled = false; break;
            }
        });
        Primary.Faults.Enqueue(new Fault.SlowFirstToken(TimeSpan.FromSeconds(20)));

        var request = Ask();
        request.Model = where == "route" ? "chat" : null;
        var (text, updates, error) = await VirtualClock.StreamAsync(_time, _host!.Llm.StreamChatAsync(request));

        Assert.Null(error);
        Assert.Equal(("fallback", ScriptedBackend.Story), (updates[^1].BackendUsed, text));
        // Not hedged: the primary had its whole first-token limit, and the fallback was a plain failover.
        Assert.True(Fallback.Calls[0].At - Primary.Calls[0].At >= TimeSpan.FromSeconds(10), $"failed over after {Fallback.Calls[0].At - Primary.Calls[0].At}");
        Assert.Equal(
            new[] { ("primary", AttemptRole.Request, LlmErrorKind.Timeout, false), ("fallback", AttemptRole.Request, (LlmErrorKind)(-1), false) },
            updates[^1].Attempts!.Select(a => (a.BackendName, a.Role, a.Error?.Kind ?? (LlmErrorKind)(-1), a.Cancelled)));
    }

    [Fact]
    public async Task S07_ALoneBackend_IsWaitedForUpToItsFirstTokenLimit()
    {
        Setup(s => s.Resilience.FirstTokenTimeoutSeconds = 30, withFallback: false);
        Primary.Faults.Enqueue(new Fault.SlowFirstToken(TimeSpan.FromSeconds(20)));

        var result = await RunAsync(stream: true);

        Assert.Equal(("primary", ScriptedBackend.Story), (result.Backend, result.Text));
        Assert.Single(Primary.Calls);
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
    public async Task S08_StreamCutAfter40Words_WithoutAPrefillCapableFallback_IsRescuedByReplayAndSkip()
    {
        Setup();
        Primary.Faults.Enqueue(new Fault.CutAfter(40));

        var (text, updates, error) = await VirtualClock.StreamAsync(_time, _host!.Llm.StreamChatAsync(Ask()));

        Assert.Null(error);
        Assert.Equal(ScriptedBackend.Story, text);
        Assert.False(Fallback.Calls.Single().Prefill);
        var rescue = updates[^1].Attempts![^1];
        Assert.Equal(("fallback", AttemptRole.ReplayContinuation, true), (rescue.BackendName, rescue.Role, rescue.Success));
    }

    [Fact]
    public async Task S08_Replay_ComparesAfterWhitespaceNormalisation()
    {
        Setup();
        Primary.Faults.Enqueue(new Fault.CutAfter(40));
        Fallback.Answer = "\n" + ScriptedBackend.Story.Replace(" w2", "\n\n w2", StringComparison.Ordinal);

        var result = await RunAsync(stream: true);

        Assert.True(result.Success, result.Error?.Message);
        Assert.Equal(ReplayAligner.Normalize(ScriptedBackend.Story), ReplayAligner.Normalize(result.Text));
        Assert.StartsWith(string.Join(' ', Words.Take(40)) + " w41", result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task S08_AReplayThatBeginsDifferently_IsNeverSpliced_TheAnswerEndsWithAnExplicitError()
    {
        Setup();
        Primary.Faults.Enqueue(new Fault.CutAfter(40));
        Primary.Always = new Fault.Status(503);
        Fallback.Answer = ScriptedBackend.Story.Replace("w30", "x30", StringComparison.Ordinal);

        var result = await RunAsync(stream: true);

        Assert.False(result.Success);
        Assert.Equal(string.Join(' ', Words.Take(40)) + " ", result.Text);
        Assert.Equal(LlmErrorKind.Network, result.Error!.Kind);
        Assert.StartsWith("The stream from backend 'primary' broke after", result.Error.Message, StringComparison.Ordinal);
        Assert.EndsWith("The answer is incomplete.", result.Error.Message, StringComparison.Ordinal);
        var replay = Assert.Single(result.Attempts, a => a.BackendName == "fallback");
        Assert.Equal(AttemptRole.ReplayContinuation, replay.Role);
        Assert.StartsWith("Backend 'fallback' could not continue the answer by replay: its new answer does not begin with the text already sent", replay.Error!.Message, StringComparison.Ordinal);
        Assert.Equal("Closed", (await _host!.Llm.GetHealthAsync()).Single(h => h.BackendName == "fallback").CircuitState);
    }

    [Fact]
    public async Task S08_WithReplayTurnedOff_AndNoPrefillCapableFallback_EndsWithAnExplicitError()
    {
        Setup(s => s.Resilience.ReplayBrokenStreams = false);
        Primary.Faults.Enqueue(new Fault.CutAfter(40));

        var result = await RunAsync(stream: true);

        Assert.False(result.Success);
        Assert.Equal(string.Join(' ', Words.Take(40)) + " ", result.Text);
        Assert.Equal(LlmErrorKind.Network, result.Error!.Kind);
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
        Setup(s =>
        {
            s.Backends[0].MaxInputTokens = 8_000;
            s.Backends[1].MaxInputTokens = 8_000;
        });
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
    public async Task S12_ContextLengthExceeded_GoesToABackendWhoseWindowIsUnknown(bool stream)
    {
        Setup(s => s.Backends[0].MaxInputTokens = 8_000);
        Primary.Always = new Fault.Status(400, ProviderCode: "context_length_exceeded");

        var result = await RunAsync(stream);

        Assert.Equal(("fallback", ScriptedBackend.Story), (result.Backend, result.Text));
        Assert.Single(Primary.Calls);
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
    public async Task S14_FallbackRejectsThePrefill_ItRescuesTheStreamByReplayInstead()
    {
        Setup(s => s.Backends.Add(new LlmBackendConfig { Name = "no-prefill", Type = "Scripted", Priority = 3 }));
        Primary.Faults.Enqueue(new Fault.CutAfter(40));
        Fallback.SupportsAssistantPrefill = true;
        Fallback.Always = new Fault.RejectPrefill();

        var (text, updates, error) = await VirtualClock.StreamAsync(_time, _host!.Llm.StreamChatAsync(Ask()));

        Assert.Null(error);
        Assert.Equal(ScriptedBackend.Story, text);
        Assert.Equal(new[] { true, false }, Fallback.Calls.Select(c => c.Prefill));
        Assert.Empty(_host.Plugin.Scripted["no-prefill"].Calls);
        var roles = updates[^1].Attempts!.Select(a => (a.BackendName, a.Role, a.Success)).ToArray();
        Assert.Equal(
            new[] { ("primary", AttemptRole.Request, false), ("fallback", AttemptRole.PrefillContinuation, false), ("fallback", AttemptRole.ReplayContinuation, true) },
            roles);
    }

    [Fact]
    public async Task S14_WhenTheFallbacksReplayDiffers_TheNextBackendWithoutPrefillRescuesIt()
    {
        Setup(s => s.Backends.Add(new LlmBackendConfig { Name = "no-prefill", Type = "Scripted", Priority = 3 }));
        Primary.Faults.Enqueue(new Fault.CutAfter(40));
        Fallback.SupportsAssistantPrefill = true;
        Fallback.Always = new Fault.RejectPrefill();
        Fallback.Answer = "Something else entirely.";

        var (text, updates, error) = await VirtualClock.StreamAsync(_time, _host!.Llm.StreamChatAsync(Ask()));

        Assert.Null(error);
        Assert.Equal(ScriptedBackend.Story, text);
        Assert.Equal(("no-prefill", AttemptRole.ReplayContinuation, true), (updates[^1].Attempts![^1].BackendName, updates[^1].Attempts![^1].Role, updates[^1].Attempts![^1].Success));
    }

    [Fact]
    public async Task S14_WhenNothingCanContinue_TheCutIsTheReportedCause_NeverATruncatedSuccess()
    {
        Setup(s =>
        {
            s.Resilience.ReplayBrokenStreams = false;
            s.Backends.Add(new LlmBackendConfig { Name = "no-prefill", Type = "Scripted", Priority = 3 });
        });
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

    [Theory]
    [InlineData(33.9)]
    [InlineData(47.3)]
    [InlineData(60)]
    [InlineData(61.7)]
    [InlineData(123.4)]
    public async Task S15_OutageThenRecovery_TheCircuitOpens_AndOneProbeFindsThePrimaryWithinOneBreakOfItsRecovery(double outageSeconds)
    {
        Setup();
        var start = _time.GetUtcNow();
        var outage = TimeSpan.FromSeconds(outageSeconds);
        Primary.OutageUntil = start + outage;
        var interval = TimeSpan.FromSeconds(3.7);
        var answeredBy = new List<(TimeSpan At, string? Backend)>();

        for (var i = 0; _time.GetUtcNow() - start < outage + TimeSpan.FromSeconds(45); i++)
        {
            var slot = start + (interval * i);
            if (_time.GetUtcNow() < slot)
            {
                _time.Advance(slot - _time.GetUtcNow());
            }

            var result = await RunAsync(stream: i % 2 == 0);
            Assert.True(result.Success, result.Error?.Message);
            answeredBy.Add((_time.GetUtcNow() - start, result.Backend));
        }

        // The circuit opens within two requests (3 attempts each), and from then on only one probe per 15 s break is sent.
        var breaks = Math.Ceiling(outageSeconds / 15);
        var callsDuringOutage = Primary.Calls.Count(c => c.At < start + outage);
        Assert.InRange(callsDuringOutage, 4, 6 + (3 * breaks));
        var backOnPrimary = answeredBy.First(a => a.At >= outage && a.Backend == "primary").At;
        Assert.True(backOnPrimary - outage <= TimeSpan.FromSeconds(15) + interval, $"back on the primary {backOnPrimary - outage} after it recovered");
        Assert.All(answeredBy.Where(a => a.At > backOnPrimary), a => Assert.Equal("primary", a.Backend));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Unreachable_FailsOverAtOnce_WithoutRetryingTheSameBackend(bool stream)
    {
        Setup();
        Primary.Always = new Fault.Unreachable();

        var result = await RunAsync(stream);

        Assert.Equal(("fallback", ScriptedBackend.Story), (result.Backend, result.Text));
        Assert.Single(Primary.Calls);
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
        Setup(s => s.Resilience.ReplayBrokenStreams = false);
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
