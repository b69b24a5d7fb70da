namespace Mostlyucid.LlmBackend.Gateway.Dashboard.Journal;

/// <summary>
/// The fixed bins (in milliseconds) that latencies are counted in, and percentiles read back from the counts: a bucket
/// keeps 24 counters, not its samples, so memory is fixed and adding a sample is one interlocked increment. A percentile
/// is interpolated within its bin, so it is exact to the bin's width (5 ms at the low end, 10 s at the high).
/// </summary>
internal static class LatencyHistogram
{
    /// <summary>The bins' upper bounds in milliseconds; the last bin holds everything above the last bound.</summary>
    private static readonly long[] UpperBounds = { 5, 10, 25, 50, 75, 100, 150, 200, 300, 500, 750, 1_000, 1_500, 2_000, 3_000, 5_000, 7_500, 10_000, 15_000, 20_000, 30_000, 60_000, 120_000 };

    /// <summary>Gets the number of bins.</summary>
    public static int Bins => UpperBounds.Length + 1;

    /// <summary>Gets the bin a latency falls in.</summary>
    /// <param name="milliseconds">The latency.</param>
    /// <returns>The bin's index.</returns>
    public static int BinOf(long milliseconds)
    {
        var index = Array.BinarySearch(UpperBounds, milliseconds);
        return index >= 0 ? index : ~index;
    }

    /// <summary>Reads a percentile from bin counts.</summary>
    /// <param name="counts">The counts, one per bin.</param>
    /// <param name="percentile">The percentile, from 0 to 1.</param>
    /// <returns>The latency in milliseconds, or <see langword="null"/> when there are no samples.</returns>
    public static double? Percentile(ReadOnlySpan<long> counts, double percentile)
    {
        long total = 0;
        foreach (var count in counts)
        {
            total += count;
        }

        if (total == 0)
        {
            return null;
        }

        var target = Math.Max(1, Math.Ceiling(percentile * total));
        long seen = 0;
        for (var bin = 0; bin < counts.Length; bin++)
        {
            if (counts[bin] == 0 || seen + counts[bin] < target)
            {
                seen += counts[bin];
                continue;
            }

            double lower = bin == 0 ? 0 : UpperBounds[bin - 1];
            double upper = bin < UpperBounds.Length ? UpperBounds[bin] : UpperBounds[^1] * 2;
            return lower + ((upper - lower) * (target - seen) / counts[bin]);
        }

        return UpperBounds[^1] * 2;
    }
}
