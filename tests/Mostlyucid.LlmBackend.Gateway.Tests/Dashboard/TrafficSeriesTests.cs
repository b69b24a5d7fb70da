using Mostlyucid.LlmBackend.Gateway.Dashboard.Journal;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Dashboard;

/// <summary>Traffic counted into time buckets and read back as points with percentiles.</summary>
public sealed class TrafficSeriesTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Points_SumTheBucketsOfEachStep()
    {
        var series = new TrafficSeries(TimeSpan.FromSeconds(10), TimeSpan.FromHours(1));
        series.Add(At(Start.AddSeconds(1)));
        series.Add(At(Start.AddSeconds(12), status: 500));
        series.Add(At(Start.AddSeconds(35), failedOver: true));

        var points = series.Points(Start, Start.AddSeconds(59), TimeSpan.FromSeconds(30));

        Assert.Equal(new[] { Start, Start.AddSeconds(30) }, points.Select(p => p.Start));
        Assert.Equal(2, points[0].Summary[TrafficCounter.Requests]);
        Assert.Equal(1, points[0].Summary[TrafficCounter.Errors]);
        Assert.Equal(1, points[1].Summary[TrafficCounter.Requests]);
        Assert.Equal(1, points[1].Summary[TrafficCounter.Failovers]);
    }

    [Fact]
    public void CacheHits_AreCountedFromTheLedgersRecord()
    {
        var entries = new JournalEntries(new Mostlyucid.LlmBackend.Security.SecretRedactor());
        var series = new TrafficSeries(TimeSpan.FromSeconds(10), TimeSpan.FromHours(1));
        var hit = new Mostlyucid.LlmBackend.Models.UsageRecord { Timestamp = Start, Operation = "chat", CacheHit = true, Outcome = Mostlyucid.LlmBackend.Models.UsageOutcome.Succeeded };
        series.Add(entries.Make("hit", Start, "/v1/chat/completions", 200, "k", 1, hit, null));
        series.Add(entries.Make("miss", Start, "/v1/chat/completions", 200, "k", 1, hit with { CacheHit = false }, null));

        var summary = Assert.Single(series.Points(Start, Start, TimeSpan.FromSeconds(10))).Summary;

        Assert.Equal(2, summary[TrafficCounter.Requests]);
        Assert.Equal(1, summary[TrafficCounter.CacheHits]);
    }

    [Fact]
    public void Add_ABucketReusedAfterTheWindow_StartsFromZero()
    {
        var series = new TrafficSeries(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1));
        series.Add(At(Start));
        series.Add(At(Start));
        var later = Start + series.Window + TimeSpan.FromSeconds(10);

        series.Add(At(later));
        var points = series.Points(later, later, TimeSpan.FromSeconds(10));
        var old = series.Points(Start, Start, TimeSpan.FromSeconds(10));

        Assert.Equal(1, Assert.Single(points).Summary[TrafficCounter.Requests]);
        Assert.Equal(0, old.Sum(p => p.Summary[TrafficCounter.Requests]));
    }

    [Fact]
    public void Percentile_IsWithinTheBinOfTheTrueValue()
    {
        var series = new TrafficSeries(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1));
        for (var ms = 1; ms <= 1000; ms++)
        {
            series.Add(At(Start, durationMs: ms));
        }

        var summary = Assert.Single(series.Points(Start, Start, TimeSpan.FromSeconds(10))).Summary;

        Assert.InRange(LatencyHistogram.Percentile(summary.Latency, 0.50)!.Value, 400, 600);
        Assert.InRange(LatencyHistogram.Percentile(summary.Latency, 0.99)!.Value, 900, 1000);
        Assert.Null(LatencyHistogram.Percentile(summary.FirstToken, 0.5));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(5, 0)]
    [InlineData(6, 1)]
    [InlineData(120_001, 23)]
    public void BinOf_PutsALatencyInTheRightBin(long milliseconds, int bin) => Assert.Equal(bin, LatencyHistogram.BinOf(milliseconds));

    private static JournalEntry At(DateTimeOffset time, int status = 200, long durationMs = 100, bool failedOver = false) =>
        RequestJournalTests.Entry("r", status, durationMs, failedOver: failedOver) with { Timestamp = time };
}
