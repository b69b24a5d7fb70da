namespace Mostlyucid.LlmBackend.Gateway.Dashboard.Journal;

/// <summary>Counts summed over one or more buckets, and the percentiles read from them.</summary>
internal sealed class TrafficSummary
{
    /// <summary>Gets the counts, indexed by <see cref="TrafficCounter"/>.</summary>
    public long[] Counts { get; } = new long[(int)TrafficCounter.Count];

    /// <summary>Gets the latency histogram.</summary>
    public long[] Latency { get; } = new long[LatencyHistogram.Bins];

    /// <summary>Gets the time-to-first-token histogram.</summary>
    public long[] FirstToken { get; } = new long[LatencyHistogram.Bins];

    /// <summary>Gets a count.</summary>
    /// <param name="counter">Which.</param>
    /// <returns>The count.</returns>
    public long this[TrafficCounter counter] => Counts[(int)counter];

    /// <summary>Adds another summary's counts to this one.</summary>
    /// <param name="other">The other summary.</param>
    public void Add(TrafficSummary other)
    {
        for (var i = 0; i < Counts.Length; i++)
        {
            Counts[i] += other.Counts[i];
        }

        for (var i = 0; i < Latency.Length; i++)
        {
            Latency[i] += other.Latency[i];
            FirstToken[i] += other.FirstToken[i];
        }
    }
}
