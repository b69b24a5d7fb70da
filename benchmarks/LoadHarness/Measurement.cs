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
}
