namespace Mostlyucid.LlmBackend.Benchmarks.Load;

/// <summary>One measurement of one target: latency percentiles (µs), throughput (successful requests per second), errors.</summary>
internal sealed record Measurement
{
    public double P50Us { get; init; }

    public double P99Us { get; init; }

    public double PerSecond { get; init; }

    /// <summary>Gets the failed requests or streams (non-2xx, socket errors, streams that did not end with [DONE]).</summary>
    public long Errors { get; init; }

    /// <summary>Gets the completed streams (stream scenarios only).</summary>
    public long Completed { get; init; }

    /// <summary>Gets the raw result line, for the log.</summary>
    public string Raw { get; init; } = string.Empty;

    /// <summary>
    /// Gets the median of repeated measurements, each figure on its own (so the p99 shown is the median run's p99, not a
    /// percentile over the runs' pooled samples); errors are the sum over the runs.
    /// </summary>
    public static Measurement Median(IReadOnlyList<Measurement> runs) => runs.Count switch
    {
        0 => new Measurement(),
        1 => runs[0],
        _ => new Measurement
        {
            P50Us = Median(runs.Select(r => r.P50Us)),
            P99Us = Median(runs.Select(r => r.P99Us)),
            PerSecond = Median(runs.Select(r => r.PerSecond)),
            Completed = (long)Median(runs.Select(r => (double)r.Completed)),
            Errors = runs.Sum(r => r.Errors),
            Raw = string.Join(" | ", runs.Select(r => r.Raw)),
        },
    };

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
