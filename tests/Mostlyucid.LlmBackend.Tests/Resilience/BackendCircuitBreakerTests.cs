using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Resilience;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Resilience;

public class BackendCircuitBreakerTests
{
    private static readonly CircuitBreakerSettings Settings = new() { FailureRatio = 0.6, MinimumThroughput = 6, SamplingWindowSeconds = 30, BreakSeconds = 15 };

    [Fact]
    public void Record_FailureRatioReachedWithinWindow_Opens()
    {
        var time = new FakeTimeProvider();
        var breaker = new BackendCircuitBreaker(time, Settings);
        for (var i = 0; i < 4; i++)
        {
            breaker.Record(failed: false);
        }

        for (var i = 0; i < 5; i++)
        {
            breaker.Record(failed: true);
            Assert.Equal(CircuitState.Closed, breaker.State);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        breaker.Record(failed: true);
        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public void Record_OutcomesOlderThanWindow_AreForgotten()
    {
        var time = new FakeTimeProvider();
        var breaker = new BackendCircuitBreaker(time, Settings);
        for (var i = 0; i < 5; i++)
        {
            breaker.Record(failed: true);
        }

        // 30 s later the five failures are out of the window: one more failure is 1 of 1, under the minimum throughput.
        time.Advance(TimeSpan.FromSeconds(30));
        breaker.Record(failed: true);
        Assert.Equal(CircuitState.Closed, breaker.State);

        // Still inside the window they count: 10 s after the first batch, a sixth failure opens the circuit.
        var other = new BackendCircuitBreaker(time, Settings);
        for (var i = 0; i < 5; i++)
        {
            other.Record(failed: true);
        }

        time.Advance(TimeSpan.FromSeconds(10));
        other.Record(failed: true);
        Assert.Equal(CircuitState.Open, other.State);
    }

    [Fact]
    public void Record_ManySuccessesThenQuietLongerThanWindow_StartsAfresh()
    {
        var time = new FakeTimeProvider();
        var breaker = new BackendCircuitBreaker(time, Settings);
        for (var i = 0; i < 100_000; i++)
        {
            breaker.Record(failed: false);
            if (i % 1000 == 0)
            {
                time.Advance(TimeSpan.FromMilliseconds(250));
            }
        }

        time.Advance(TimeSpan.FromHours(3));
        for (var i = 0; i < 6; i++)
        {
            breaker.Record(failed: true);
        }

        Assert.Equal(CircuitState.Open, breaker.State);
    }
}
