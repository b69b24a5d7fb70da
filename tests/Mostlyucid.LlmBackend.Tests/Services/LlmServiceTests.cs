using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Services;

public class LlmServiceTests
{
    private static ChatRequest Ask(string text) => new() { Messages = { new ChatMessage { Content = text } } };

    private static LlmTestHost TwoBackends(TimeProvider? time = null, Action<LlmSettings>? more = null) => LlmTestHost.Create(
        s =>
        {
            s.Backends.Add(LlmTestHost.TestBackend("primary", 1));
            s.Backends.Add(LlmTestHost.TestBackend("fallback", 2));
            more?.Invoke(s);
        },
        time);

    /// <summary>Makes the backend wait until its attempt is cancelled; the returned task completes when it starts waiting.</summary>
    private static Task HangUntilCancelled(TestChatBackend backend)
    {
        var started = new TaskCompletionSource();
        backend.Handler = async (_, ct) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return new LlmResponse();
        };
        return started.Task;
    }

    [Fact]
    public async Task ChatAsync_PrimaryFails_FallbackAnswersAndEveryAttemptIsRecorded()
    {
        using var host = TwoBackends();
        host.Llm.GetBackends();
        host.Plugin.Backends["primary"].FailingWith("ServiceUnavailable", "upstream overloaded");

        var answer = await host.Llm.ChatAsync(Ask("hello"));

        Assert.True(answer.Success);
        Assert.Equal("fallback", answer.BackendUsed);
        Assert.Equal("fallback-model", answer.ModelUsed);
        Assert.Collection(
            answer.Attempts,
            a =>
            {
                Assert.Equal("primary", a.BackendName);
                Assert.False(a.Success);
                Assert.Equal(LlmErrorKind.ServerError, a.Error!.Kind);
                Assert.Equal(503, a.Error.StatusCode);
                Assert.Contains("upstream overloaded", a.Error.Message, StringComparison.Ordinal);
            },
            a => Assert.True(a.Success));
        var stats = host.Llm.GetStatistics();
        Assert.Equal(1, stats.TotalRequests);
        Assert.Equal(1, stats.SuccessfulRequests);
        Assert.Equal(1, stats.FailedOverRequests);
        Assert.Equal(1, stats.Backends.Single(b => b.BackendName == "primary").FailedRequests);
        Assert.Contains(host.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.StartsWith("Backend primary failed after", StringComparison.Ordinal) && e.Message.Contains("(ServerError, RetrySameBackend): Backend 'primary' failed: upstream overloaded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ChatAsync_AllFail_ReturnsATypedErrorListingEachBackend()
    {
        using var host = TwoBackends();
        host.Llm.GetBackends();
        host.Plugin.Backends["primary"].FailingWith("TooManyRequests", "slow down");
        host.Plugin.Backends["fallback"].Handler = (_, _) => throw new HttpRequestException("Connection refused");

        var answer = await host.Llm.ChatAsync(Ask("hello"));

        Assert.False(answer.Success);
        Assert.Equal(LlmErrorKind.Network, answer.Error!.Kind);
        Assert.StartsWith("All 2 attempts failed (primary, fallback): Backend 'primary' failed: slow down | Backend 'fallback' could not be reached, or the connection broke: Connection refused", answer.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(2, answer.Attempts.Count);
        Assert.Throws<LlmBackendException>(() => answer.EnsureSuccess());
        Assert.Equal(1, host.Llm.GetStatistics().FailedRequests);
    }

    [Fact]
    public async Task ChatAsync_AllRateLimited_ReportsRateLimitedWithTheShortestWait()
    {
        using var host = TwoBackends();
        host.Llm.GetBackends();
        host.Plugin.Backends["primary"].Handler = (_, _) => Task.FromResult(new LlmResponse { Error = new LlmError { Kind = LlmErrorKind.RateLimited, Message = "a", RetryAfter = TimeSpan.FromSeconds(9) } });
        host.Plugin.Backends["fallback"].Handler = (_, _) => Task.FromResult(new LlmResponse { Error = new LlmError { Kind = LlmErrorKind.RateLimited, Message = "b", RetryAfter = TimeSpan.FromSeconds(2) } });

        var answer = await host.Llm.ChatAsync(Ask("x"));

        Assert.Equal(LlmErrorKind.RateLimited, answer.Error!.Kind);
        Assert.Equal(TimeSpan.FromSeconds(2), answer.Error.RetryAfter);
        Assert.Equal("primary", answer.Attempts[0].Error!.BackendName);
    }

    [Fact]
    public async Task ChatAsync_AttemptTimesOut_FailsOverWithATimeoutError()
    {
        var time = new FakeTimeProvider();
        using var host = TwoBackends(time, s => s.TimeoutSeconds = 30);
        host.Llm.GetBackends();
        var started = HangUntilCancelled(host.Plugin.Backends["primary"]);

        var call = host.Llm.ChatAsync(Ask("x"));
        await started;
        time.Advance(TimeSpan.FromSeconds(30));
        var answer = await call;

        Assert.Equal("fallback", answer.BackendUsed);
        var timeout = answer.Attempts[0].Error!;
        Assert.Equal(LlmErrorKind.Timeout, timeout.Kind);
        Assert.Equal("Backend 'primary' did not answer within 30 s (its TimeoutSeconds, else LlmSettings:TimeoutSeconds).", timeout.Message);
    }

    [Fact]
    public async Task ChatAsync_PerBackendTimeout_OverridesTheGlobalOne()
    {
        var time = new FakeTimeProvider();
        using var host = TwoBackends(time, s => s.Backends[0].TimeoutSeconds = 5);
        host.Llm.GetBackends();
        var started = HangUntilCancelled(host.Plugin.Backends["primary"]);

        var call = host.Llm.ChatAsync(Ask("x"));
        await started;
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal("fallback", (await call).BackendUsed);
    }

    [Fact]
    public async Task ChatAsync_CallerCancels_ThrowsAndDoesNotFailOver()
    {
        using var host = TwoBackends();
        host.Llm.GetBackends();
        using var cancellation = new CancellationTokenSource();
        host.Plugin.Backends["primary"].Handler = (_, ct) =>
        {
            cancellation.Cancel();

            // Like the guide's plugin: it catches the cancellation and returns an error response.
            return Task.FromResult(new LlmResponse { Success = false, ErrorCode = "Exception", ErrorMessage = "A task was canceled." });
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Llm.ChatAsync(Ask("x"), cancellation.Token));

        Assert.Equal(0, host.Plugin.Backends["fallback"].Calls);
    }

    [Fact]
    public async Task CompleteAsync_IsRoutedLikeChat()
    {
        using var host = TwoBackends();

        var answer = await host.Llm.CompleteAsync(new LlmRequest { Prompt = "complete me" });

        Assert.Equal("primary: complete me", answer.Content);
    }

    [Theory]
    [InlineData("SelfRecording")]
    [InlineData("NonRecording")]
    public async Task EveryAttempt_IsCountedExactlyOnce(string backendType)
    {
        using var host = LlmTestHost.Create(s => s.Backends.Add(new LlmBackendConfig { Name = "b", Type = backendType }));
        host.Llm.GetBackends();

        await host.Llm.ChatAsync(Ask("1"));
        await host.Llm.ChatAsync(Ask("2"));
        host.Plugin.RecordingBackends["b"].Fail = true;
        await host.Llm.ChatAsync(Ask("3"));

        var health = Assert.Single(await host.Llm.GetHealthAsync());
        Assert.Equal(2, health.SuccessfulRequests);
        Assert.Equal(1, health.FailedRequests);
        Assert.Equal("told to fail", health.LastError?.Replace("Backend 'b' failed: ", string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public async Task EmptySuccess_IsWarnedAboutOncePerBackend()
    {
        using var host = LlmTestHost.Create(s => s.Backends.Add(LlmTestHost.TestBackend("quiet")));
        host.Llm.GetBackends();
        host.Plugin.Backends["quiet"].Handler = (_, _) => Task.FromResult(new LlmResponse { Success = true });

        await host.Llm.ChatAsync(Ask("1"));
        await host.Llm.ChatAsync(Ask("2"));

        var warning = Assert.Single(host.Logs.Entries, e => e.EventId.Id == 3003);
        Assert.Contains("JsonNamingPolicy.SnakeCaseLower", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAvailabilityAsync_AsksEveryReadyBackend()
    {
        using var host = TwoBackends();

        var availability = await host.Llm.CheckAvailabilityAsync();

        Assert.Equal(new[] { "fallback", "primary" }, availability.Keys.Order());
        Assert.All(availability.Values, Assert.True);
    }
}
