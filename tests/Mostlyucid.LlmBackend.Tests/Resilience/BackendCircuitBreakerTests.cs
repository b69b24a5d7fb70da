using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Resilience;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Resilience;

public class BackendCircuitBreakerTests
{
    // The ratio's tests: the streak rule (sparse traffic) is kept out of the way, and tested on its own below.
    private static readonly CircuitBreakerSettings Settings = new() { FailureRatio = 0.6, MinimumThroughput = 6, SamplingWindowSeconds = 30, BreakSeconds = 15, ConsecutiveFailures = 1000 };

    [Fact]
    public void FailuresInARow_OpenTheCircuit_WhenTrafficIsTooSparseForTheRatio()
    {
        var time = new FakeTimeProvider();
        var changes = new List<(CircuitState From, CircuitState To)>();
        var breaker = new BackendCircuitBreaker(time, new CircuitBreakerSettings { ConsecutiveFailures = 3, MinimumThroughput = 6, SamplingWindowSeconds = 30 }, (from, to) => changes.Add((from, to)));

        // One failure a minute: the window never holds the minimum throughput, so only the streak can open it.
        for (var i = 0; i < 2; i++)
        {
            breaker.Record(failed: true);
            time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(CircuitState.Closed, breaker.State);
        breaker.Record(failed: true);
        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.Equal(new[] { (CircuitState.Closed, CircuitState.Open) }, changes);
    }

    [Fact]
    public void FailuresInARow_DoNotOpenTheCircuit_UnderLoadWhereTheRatioJudges()
    {
        var time = new FakeTimeProvider();
        var breaker = new BackendCircuitBreaker(time, new CircuitBreakerSettings { ConsecutiveFailures = 3, MinimumThroughput = 6, FailureRatio = 0.6 });
        for (var i = 0; i < 10; i++)
        {
            breaker.Record(failed: false);
        }

        // A 30% flapper's occasional streak of three: 3 of 13 failed, under the ratio.
        for (var i = 0; i < 3; i++)
        {
            breaker.Record(failed: true);
        }

        Assert.Equal(CircuitState.Closed, breaker.State);
    }

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
