using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Resilience;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Services;

/// <summary>
/// A stream that ends without an outcome — its caller stops reading, or the request's deadline runs out mid-answer —
/// leaves its backend's circuit able to probe again, and the caller gets a typed error rather than a bare cancellation.
/// </summary>
public sealed class StreamOutcomeTests
{
    private static ChatRequest Ask() => new() { Messages = { new ChatMessage { Content = "tell me a story" } } };

    [Fact]
    public async Task HalfOpenProbe_WhoseCallerStopsReading_GivesTheProbeSlotBack()
    {
        var time = new FakeTimeProvider();
        using var host = LlmTestHost.Create(
            s =>
            {
                s.Backends.Add(new LlmBackendConfig { Name = "primary", Type = "Scripted", Priority = 1 });
                s.Backends.Add(new LlmBackendConfig { Name = "fallback", Type = "Scripted", Priority = 2 });
                s.Resilience.MaxRetries = 0;
                s.Resilience.CircuitBreaker.MinimumThroughput = 2;
                s.Resilience.CircuitBreaker.FailureRatio = 0.5;
                s.Resilience.CircuitBreaker.BreakSeconds = 10;
            },
            time);
        host.Llm.GetBackends();
        var primary = host.Plugin.Scripted["primary"];
        primary.Faults.Enqueue(new Fault.Status(503));
        primary.Faults.Enqueue(new Fault.Status(503));
        await VirtualClock.RunAsync(time, host.Llm.ChatAsync(Ask()));
        await VirtualClock.RunAsync(time, host.Llm.ChatAsync(Ask()));
        time.Advance(TimeSpan.FromSeconds(11));

        // The half-open circuit lets one probe through: a stream whose caller takes one update and hangs up.
        await using (var probe = host.Llm.StreamChatAsync(Ask()).GetAsyncEnumerator())
        {
            Assert.True(await probe.MoveNextAsync());
            Assert.Equal("primary", probe.Current.BackendUsed);
        }

        var next = await VirtualClock.RunAsync(time, host.Llm.ChatAsync(Ask()));

        Assert.Equal("primary", next.BackendUsed);
        Assert.DoesNotContain(next.Attempts, a => a.Error?.Kind == LlmErrorKind.CircuitOpen);
    }

    [Fact]
    public async Task DeadlineRunningOutMidStream_IsATimeoutError_NotACancellation()
    {
        var time = new FakeTimeProvider();
        using var host = LlmTestHost.Create(
            s =>
            {
                s.Backends.Add(new LlmBackendConfig { Name = "primary", Type = "Scripted", Priority = 1 });
                s.Resilience.RequestDeadlineSeconds = 5;
                s.Resilience.IdleTimeoutSeconds = 120;
                s.Resilience.ContinueBrokenStreams = false;
            },
            time);
        host.Llm.GetBackends();
        host.Plugin.Scripted["primary"].Faults.Enqueue(new Fault.StallAfter(3, TimeSpan.FromSeconds(60)));

        var (text, _, error) = await VirtualClock.StreamAsync(time, host.Llm.StreamChatAsync(Ask()));

        Assert.NotNull(error);
        Assert.Equal(LlmErrorKind.Timeout, error.Error.Kind);
        Assert.Contains("deadline", error.Error.Message, StringComparison.Ordinal);
        Assert.NotEmpty(text);
    }
}
