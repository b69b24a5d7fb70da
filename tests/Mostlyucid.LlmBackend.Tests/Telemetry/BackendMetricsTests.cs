using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Resilience;
using Mostlyucid.LlmBackend.Telemetry;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Telemetry;

public class BackendMetricsTests
{
    [Fact]
    public void Snapshot_ComputesNearestRankPercentilesOverTheWindow()
    {
        var metrics = new BackendMetrics(new FakeTimeProvider(), new MonitoringSettings());
        for (var ms = 1; ms <= 100; ms++)
        {
            metrics.RecordSuccess(ms);
        }

        var health = metrics.Snapshot("b");

        Assert.Equal(100, health.SuccessfulRequests);
        Assert.Equal(50, health.LatencyP50Ms);
        Assert.Equal(95, health.LatencyP95Ms);
        Assert.Equal(99, health.LatencyP99Ms);
        Assert.Equal(50.5, health.AverageLatencyMs);
    }

    [Fact]
    public void Snapshot_ForgetsSamplesOlderThanTheWindowAndBeyondItsSize()
    {
        var time = new FakeTimeProvider();
        var metrics = new BackendMetrics(time, new MonitoringSettings { LatencyWindowSeconds = 60, LatencyWindowSize = 3 });
        metrics.RecordSuccess(1000);
        time.Advance(TimeSpan.FromSeconds(61));
        metrics.RecordSuccess(10);
        metrics.RecordSuccess(20);

        Assert.Equal(20, metrics.Snapshot("b").LatencyP99Ms);

        metrics.RecordSuccess(30);
        metrics.RecordSuccess(40);
        Assert.Equal(30, metrics.Snapshot("b").AverageLatencyMs);
    }

    [Fact]
    public void Health_IsTheCircuitBreakersState_AndStatisticsStillCountFailuresInARow()
    {
        var time = new FakeTimeProvider();
        var metrics = new BackendMetrics(time, new MonitoringSettings());
        var breaker = new BackendCircuitBreaker(time, new CircuitBreakerSettings { ConsecutiveFailures = 3, BreakSeconds = 15 });
        metrics.Breaker = breaker;

        for (var i = 1; i <= 3; i++)
        {
            Assert.True(metrics.IsHealthy);
            metrics.RecordFailure($"e{i}");
            breaker.Record(failed: true);
        }

        var unhealthy = metrics.Snapshot("b");
        Assert.False(unhealthy.IsHealthy);
        Assert.Equal("Open", unhealthy.CircuitState);
        Assert.Equal("e3", unhealthy.LastError);
        Assert.Equal(3, unhealthy.ConsecutiveFailures);
        Assert.Equal(time.GetUtcNow(), unhealthy.LastFailedRequest);

        time.Advance(TimeSpan.FromSeconds(15));
        Assert.True(metrics.IsHealthy);
        Assert.Equal("HalfOpen", metrics.Snapshot("b").CircuitState);
        metrics.RecordSuccess(5);
        Assert.Equal(0, metrics.Snapshot("b").ConsecutiveFailures);
    }

    [Fact]
    public void TimeToFirstTokenPercentile_NeedsEnoughRecentSamples()
    {
        var time = new FakeTimeProvider();
        var metrics = new BackendMetrics(time, new MonitoringSettings { LatencyWindowSeconds = 60 });
        for (var i = 1; i <= 4; i++)
        {
            metrics.RecordTimeToFirstToken(i * 100);
        }

        Assert.Null(metrics.TimeToFirstTokenP95Ms(minSamples: 5));
        metrics.RecordTimeToFirstToken(2000);
        Assert.Equal(2000, metrics.TimeToFirstTokenP95Ms(minSamples: 5));
        time.Advance(TimeSpan.FromSeconds(61));
        Assert.Null(metrics.TimeToFirstTokenP95Ms(minSamples: 1));
    }

    [Fact]
    public void RecordFailure_VeryLongError_IsCutWithAVisibleMarker()
    {
        var metrics = new BackendMetrics(new FakeTimeProvider(), new MonitoringSettings());

        metrics.RecordFailure(new string('x', 5000));

        Assert.EndsWith("… (truncated; 5000 characters)", metrics.Snapshot("b").LastError, StringComparison.Ordinal);
    }
}
