using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mostlyucid.LlmBackend.FakeProvider;
using Mostlyucid.LlmBackend.FakeProvider.Brain;
using Mostlyucid.LlmBackend.FakeProvider.Faults;
using OpenAI;
using OpenAI.Chat;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Resilience;

/// <summary>
/// Provider faults from shared/design/resilience-scenarios.md on the real clock, through real HTTP end to end: the OpenAI
/// SDK (or raw HTTP) → the gateway → two OpenAI-format backends on the fake provider, the primary carrying the fault in
/// its <c>x-fake-fault</c> header. Limits are short so the suite stays quick: 3 s per attempt, 2 s to the first token,
/// 1 s of idle stream, 2 retries 50–200 ms apart.
/// </summary>
public sealed class ResilienceOverHttpTests : IAsyncDisposable
{
    private const string Route = "resilient";
    private static readonly string[] Words = FakeBrain.Story.Split(' ');
    private FakeProviderServer? _upstream;
    private TestGateway? _gateway;

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }
    }

    [Fact]
    public async Task S01_RateLimitedWithRetryAfter1_WaitsTheHeaderThenTheSamePrimaryAnswers()
    {
        await StartAsync(primaryFault: "status=429,retry-after=1,times=1");
        var watch = Stopwatch.StartNew();

        ChatCompletion completion = await Chat().CompleteChatAsync(new UserChatMessage("tell me a story"));

        Assert.Equal(FakeBrain.Story, completion.Content[0].Text);
        Assert.Equal("story-primary", completion.Model);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.95), $"answered after {watch.Elapsed}, before the Retry-After of 1 s");
        Assert.Equal(2, _upstream!.Faults.Count("status=429,retry-after=1,times=1"));
        Assert.DoesNotContain(_upstream.Conversations, c => c.Model == "story-fallback");
    }

    [Fact]
    public async Task S05_ResetBeforeAnyResponse_StreamIsRetriedAndAnswered()
    {
        await StartAsync(primaryFault: "reset,times=1");

        var (text, model, _, error) = await StreamAsync();

        Assert.Null(error);
        Assert.Equal((FakeBrain.Story, "story-primary"), (text, model));
        Assert.Equal(2, _upstream!.Faults.Count("reset,times=1"));
    }

    [Fact]
    public async Task S06_SilentPrimary_TimesOutOnceAndTheFallbackAnswers()
    {
        await StartAsync(primaryFault: "silent", timeoutSeconds: 2);
        var watch = Stopwatch.StartNew();

        ChatCompletion completion = await Chat().CompleteChatAsync(new UserChatMessage("tell me a story"));

        Assert.Equal((FakeBrain.Story, "story-fallback"), (completion.Content[0].Text, completion.Model));
        Assert.Equal(1, _upstream!.Faults.Count("silent"));
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(6));
    }

    [Fact]
    public async Task S07_FirstTokenAfter4s_StreamFailsOverAtTheFirstTokenLimit()
    {
        await StartAsync(primaryFault: "first-token-delay=4");
        var watch = Stopwatch.StartNew();

        var (text, model, _, error) = await StreamAsync();

        Assert.Null(error);
        Assert.Equal((FakeBrain.Story, "story-fallback"), (text, model));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3.5), $"took {watch.Elapsed}: the 2 s first-token limit did not fire");
    }

    [Fact]
    public async Task S08_StreamCutAfter40Words_ContinuesOnTheFallbackFromWhatWasSent()
    {
        await StartAsync(primaryFault: "cut-after=41", fallbackPrefill: true);

        var (text, model, usage, error) = await StreamAsync();

        Assert.Null(error);
        Assert.Equal(FakeBrain.Story, text);
        Assert.Equal("story-fallback", model);
        Assert.NotNull(usage);
        var continued = Assert.Single(_upstream!.Conversations, c => c.Model == "story-fallback");
        Assert.Equal(("assistant", string.Join(' ', Words.Take(40))), (continued.Messages[^1].Role, continued.Messages[^1].Text.TrimEnd()));
    }

    [Fact]
    public async Task S09_StreamStallsAfter20Words_IsCaughtByTheIdleLimitAndContinuedElsewhere()
    {
        await StartAsync(primaryFault: "stall-after=21,stall=10,times=1", fallbackPrefill: true);
        var watch = Stopwatch.StartNew();

        var (text, model, _, error) = await StreamAsync();
        var next = await StreamAsync();

        Assert.Null(error);
        Assert.Equal((FakeBrain.Story, "story-fallback"), (text, model));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(6), $"took {watch.Elapsed}: the 1 s idle limit did not fire");
        Assert.Equal((FakeBrain.Story, "story-primary"), (next.Text, next.Model));
    }

    [Fact]
    public async Task S10_InvalidTenthEvent_NothingGarbledReachesTheCaller()
    {
        await StartAsync(primaryFault: "malformed-at=10", fallbackPrefill: true);

        var (text, _, _, error) = await StreamAsync();

        Assert.Null(error);
        Assert.Equal(FakeBrain.Story, text);
    }

    [Fact]
    public async Task S11_StreamWithoutDone_FinishesWhenTheBodyEnds_WithUsage()
    {
        await StartAsync(primaryFault: "no-done");
        var watch = Stopwatch.StartNew();

        var (text, model, usage, error) = await StreamAsync();

        Assert.Null(error);
        Assert.Equal((FakeBrain.Story, "story-primary"), (text, model));
        Assert.Equal(60, usage!.OutputTokenCount);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task S07_FirstTokenAfter6s_IsHedged_TheFallbacksFirstTokenArrivesLongBeforeTheLimit()
    {
        await StartAsync(primaryFault: "first-token-delay=6", more: new()
        {
            ["LlmSettings:Resilience:FirstTokenTimeoutSeconds"] = "30",
            ["LlmSettings:Resilience:FirstTokenHedging:DefaultDelayMs"] = "1000",
        });
        var watch = Stopwatch.StartNew();

        var (text, model, _, error) = await StreamAsync();

        Assert.Null(error);
        Assert.Equal((FakeBrain.Story, "story-fallback"), (text, model));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"took {watch.Elapsed}: the 1 s hedge did not start the fallback");
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), $"took {watch.Elapsed}: hedged before its delay");
    }

    [Fact]
    public async Task S14_FallbackRejectsThePrefill_ItRegeneratesTheAnswer_AndOnlyTheRestIsStreamed()
    {
        await StartAsync(primaryFault: "cut-after=41", fallbackFault: "reject-prefill", fallbackPrefill: true);

        var frames = await RawStreamAsync();

        Assert.Equal("[DONE]", frames[^1]);
        var text = string.Concat(frames.Where(f => f.StartsWith('{') && f.Contains("\"choices\"", StringComparison.Ordinal))
            .Select(f => JsonDocument.Parse(f).RootElement.GetProperty("choices"))
            .Where(c => c.GetArrayLength() > 0 && c[0].GetProperty("delta").TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
            .Select(c => c[0].GetProperty("delta").GetProperty("content").GetString()));
        Assert.Equal(FakeBrain.Story, text);
        var replayed = _upstream!.Conversations.Where(c => c.Model == "story-fallback").ToList();
        Assert.Equal(2, replayed.Count);
        Assert.Equal("assistant", replayed[0].Messages[^1].Role);
        Assert.Equal("user", replayed[1].Messages[^1].Role);
    }

    [Fact]
    public async Task S14_WithReplayOff_TheStreamEndsWithTheCutAsItsError_NeverDone()
    {
        await StartAsync(primaryFault: "cut-after=41", fallbackFault: "reject-prefill", fallbackPrefill: true, more: new() { ["LlmSettings:Resilience:ReplayBrokenStreams"] = "false" });

        var frames = await RawStreamAsync();

        Assert.DoesNotContain("[DONE]", frames);
        var error = JsonDocument.Parse(frames[^1]).RootElement.GetProperty("error");
        var message = error.GetProperty("message").GetString()!;
        Assert.StartsWith("The stream from backend 'primary' broke after", message, StringComparison.Ordinal);
        Assert.EndsWith("The answer is incomplete.", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NothingListening_FailsOverAtOnce_AndTheHeadersCountAttemptsAndBackends()
    {
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        await StartAsync(primaryFault: null, primaryBaseUrl: $"http://127.0.0.1:{port}/v1");

        using var http = new HttpClient();
        using var response = await http.PostAsJsonAsync(_gateway!.BaseUrl + "/v1/chat/completions", new { model = Route, messages = new[] { new { role = "user", content = "tell me a story" } } });

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("fallback", response.Headers.GetValues("x-llmb-backend").Single());
        Assert.Equal("2", response.Headers.GetValues("x-llmb-attempts").Single());
        Assert.Equal("2", response.Headers.GetValues("x-llmb-backends-tried").Single());
        Assert.False(response.Headers.Contains("x-should-retry"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EveryBackendFailing_TheErrorSaysShouldRetryFalse_SoSdkRetriesDoNotMultiplyOurs(bool stream)
    {
        await StartAsync(primaryFault: "status=503", fallbackFault: "status=503");

        using var http = new HttpClient();
        using var response = await http.PostAsJsonAsync(_gateway!.BaseUrl + "/v1/chat/completions", new { model = Route, stream, messages = new[] { new { role = "user", content = "tell me a story" } } });

        // The official SDKs retry 5xx by themselves unless told not to; these attempts were already made here.
        Assert.Equal(502, (int)response.StatusCode);
        Assert.Equal("false", response.Headers.GetValues("x-should-retry").Single());
        Assert.Equal("6", response.Headers.GetValues("x-llmb-attempts").Single());
        Assert.Equal("2", response.Headers.GetValues("x-llmb-backends-tried").Single());
        Assert.Equal(6, _upstream!.Faults.Count("status=503"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task S16_PrimaryDown_TheFallbacksModelAndUsageAreWhatTheCallerSees(bool stream)
    {
        await StartAsync(primaryFault: "status=503");

        var (text, model, usage) = stream
            ? await StreamAsync() is var s && s.Error is null ? (s.Text, s.Model, s.Usage) : throw s.Error
            : await CompleteAsync();

        Assert.Equal((FakeBrain.Story, "story-fallback"), (text, model));
        Assert.Equal(60, usage!.OutputTokenCount);
        Assert.Equal(3, _upstream!.Faults.Count("status=503"));
    }

    private async Task StartAsync(string? primaryFault, string? fallbackFault = null, bool fallbackPrefill = false, int timeoutSeconds = 3, Dictionary<string, string?>? more = null, string? primaryBaseUrl = null)
    {
        _upstream = await FakeProviderServer.StartAsync(new FakeProviderOptions { Format = "openai" });
        var settings = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["LlmSettings:TimeoutSeconds"] = timeoutSeconds.ToString(CultureInfo.InvariantCulture),
            ["LlmSettings:Resilience:MaxRetries"] = "2",
            ["LlmSettings:Resilience:RetryBaseDelayMs"] = "50",
            ["LlmSettings:Resilience:RetryMaxDelayMs"] = "200",
            ["LlmSettings:Resilience:FirstTokenTimeoutSeconds"] = "2",
            ["LlmSettings:Resilience:IdleTimeoutSeconds"] = "1",
            ["LlmSettings:Routes:0:Name"] = Route,
            ["LlmSettings:Routes:0:Backends:0"] = "primary",
            ["LlmSettings:Routes:0:Backends:1"] = "fallback",
        };
        AddBackend(settings, 0, "primary", "story-primary", primaryFault, prefill: false);
        AddBackend(settings, 1, "fallback", "story-fallback", fallbackFault, fallbackPrefill);
        if (primaryBaseUrl is not null)
        {
            settings["LlmSettings:Backends:0:BaseUrl"] = primaryBaseUrl;
        }

        foreach (var (key, value) in more ?? new())
        {
            settings[key] = value;
        }

        _gateway = await TestGateway.StartAsync(settings);
    }

    private void AddBackend(Dictionary<string, string?> settings, int index, string name, string model, string? fault, bool prefill)
    {
        var prefix = $"LlmSettings:Backends:{index}:";
        settings[prefix + "Name"] = name;
        settings[prefix + "Type"] = "OpenAICompatible";
        settings[prefix + "BaseUrl"] = _upstream!.BaseUrl + "/v1";
        settings[prefix + "ModelName"] = model;
        settings[prefix + "Priority"] = (index + 1).ToString(CultureInfo.InvariantCulture);
        settings[prefix + "SupportsAssistantPrefill"] = prefill ? "true" : "false";
        if (fault is not null)
        {
            settings[prefix + "Headers:" + FakeFault.Header] = fault;
        }
    }

    private ChatClient Chat() =>
        new OpenAIClient(new ApiKeyCredential("unused-on-loopback"), new OpenAIClientOptions { Endpoint = new Uri(_gateway!.BaseUrl + "/v1"), RetryPolicy = new ClientRetryPolicy(maxRetries: 0) })
            .GetChatClient(Route);

    private async Task<(string Text, string Model, ChatTokenUsage? Usage)> CompleteAsync()
    {
        ChatCompletion completion = await Chat().CompleteChatAsync(new UserChatMessage("tell me a story"));
        return (completion.Content[0].Text, completion.Model, completion.Usage);
    }

    /// <summary>
    /// Streams through the OpenAI SDK (which asks for usage); returns the text, the model of the last chunk (the one that
    /// finished the answer), usage and any exception.
    /// </summary>
    private async Task<(string Text, string? Model, ChatTokenUsage? Usage, Exception? Error)> StreamAsync()
    {
        var text = new StringBuilder();
        string? model = null;
        ChatTokenUsage? usage = null;
        try
        {
            await foreach (var update in Chat().CompleteChatStreamingAsync(new ChatMessage[] { new UserChatMessage("tell me a story") }, new ChatCompletionOptions()))
            {
                model = string.IsNullOrEmpty(update.Model) ? model : update.Model;
                usage = update.Usage ?? usage;
                foreach (var part in update.ContentUpdate)
                {
                    text.Append(part.Text);
                }
            }
        }
        catch (ClientResultException ex)
        {
            return (text.ToString(), model, usage, ex);
        }

        return (text.ToString(), model, usage, null);
    }

    /// <summary>Streams over raw HTTP and returns each SSE frame's data.</summary>
    private async Task<List<string>> RawStreamAsync()
    {
        using var http = new HttpClient();
        using var response = await http.PostAsJsonAsync(_gateway!.BaseUrl + "/v1/chat/completions", new
        {
            model = Route,
            stream = true,
            messages = new[] { new { role = "user", content = "tell me a story" } },
        });
        Assert.Equal(200, (int)response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        return body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(f => f.StartsWith("data: ", StringComparison.Ordinal) ? f[6..] : f).ToList();
    }
}
