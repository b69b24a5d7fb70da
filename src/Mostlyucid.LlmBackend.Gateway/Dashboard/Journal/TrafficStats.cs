namespace Mostlyucid.LlmBackend.Gateway.Dashboard.Journal;

/// <summary>The gateway's traffic over time: 10-second buckets for the last hour and 1-minute buckets for the last day.</summary>
internal sealed class TrafficStats
{
    /// <summary>Gets the 10-second buckets of the last hour.</summary>
    public TrafficSeries Fine { get; } = new(TimeSpan.FromSeconds(10), TimeSpan.FromHours(1));

    /// <summary>Gets the 1-minute buckets of the last 24 hours.</summary>
    public TrafficSeries Coarse { get; } = new(TimeSpan.FromMinutes(1), TimeSpan.FromHours(24));

    /// <summary>Counts a request in both series.</summary>
    /// <param name="entry">The request.</param>
    public void Add(JournalEntry entry)
    {
        Fine.Add(entry);
        Coarse.Add(entry);
    }

    /// <summary>Gets the series that covers a window at its best resolution.</summary>
    /// <param name="window">How far back.</param>
    /// <returns>The series.</returns>
    public TrafficSeries For(TimeSpan window) => window <= Fine.Window ? Fine : Coarse;
}
