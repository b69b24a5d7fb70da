using Mostlyucid.LlmBackend.Gateway.Dashboard.Journal;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Dashboard;

/// <summary>The bounded ring of recent requests.</summary>
public sealed class RequestJournalTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Newest_ReturnsNewestFirst_AndOverwritesTheOldestWhenFull()
    {
        var journal = new RequestJournal(3);
        for (var i = 1; i <= 5; i++)
        {
            journal.Add(Entry($"r{i}"));
        }

        Assert.Equal(new[] { "r5", "r4", "r3" }, journal.Newest(_ => true, 10).Select(e => e.RequestId));
        Assert.Equal(5, journal.Total);
        Assert.Null(journal.Find("r2"));
        Assert.Equal("r3", journal.Find("r3")!.RequestId);
    }

    [Fact]
    public void Newest_Filters_AndStopsAtTheLimit()
    {
        var journal = new RequestJournal(10);
        for (var i = 0; i < 6; i++)
        {
            journal.Add(Entry($"r{i}", status: i % 2 == 0 ? 200 : 503));
        }

        Assert.Equal(new[] { "r5", "r3" }, journal.Newest(e => e.IsError, 2).Select(e => e.RequestId));
    }

    [Fact]
    public void Add_FromManyThreads_KeepsEveryEntryUpToCapacity()
    {
        var journal = new RequestJournal(10_000);

        Parallel.For(0, 8_000, i => journal.Add(Entry($"r{i}")));

        Assert.Equal(8_000, journal.Newest(_ => true, 10_000).Select(e => e.RequestId).Distinct().Count());
    }

    internal static JournalEntry Entry(string id, int status = 200, long durationMs = 100, long? ttft = null, bool failedOver = false) =>
        new() { RequestId = id, Timestamp = Now, Status = status, Outcome = status < 400 ? "succeeded" : "failed", DurationMs = durationMs, TimeToFirstTokenMs = ttft, FailedOver = failedOver };
}
