namespace Mostlyucid.LlmBackend.Benchmarks.Load;

/// <summary>A gateway's resident memory, sampled every second over the sustained run (256 connections, 20 ms upstream).</summary>
internal sealed record MemoryRun(IReadOnlyList<(double Seconds, long Bytes)> Samples, Measurement Load)
{
    public long PeakBytes => Samples.Count == 0 ? 0 : Samples.Max(s => s.Bytes);

    /// <summary>Gets the mean over the last minute (or the second half, when shorter).</summary>
    public long SteadyBytes => Mean(Math.Max(Duration / 2, Duration - 60), Duration);

    /// <summary>Gets the growth over the last minute: the mean of its last 10 s minus the mean of the 10 s before it began.</summary>
    public long GrowthBytes
    {
        get
        {
            var start = Math.Max(Duration / 2, Duration - 60);
            return Mean(Duration - 10, Duration) - Mean(start - 10, start);
        }
    }

    public double Duration => Samples.Count == 0 ? 0 : Samples[^1].Seconds;

    /// <summary>Describes the samples every <paramref name="step"/> seconds, so growth (or its absence) can be seen.</summary>
    public string Series(int step = 15) => string.Join(", ", Enumerable.Range(1, (int)(Duration / step))
        .Select(i => Samples.First(s => s.Seconds >= (i * step) - 0.5))
        .Select(s => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{s.Seconds:0} s {s.Bytes / (1024.0 * 1024):0} MB")));

    private long Mean(double from, double to)
    {
        var window = Samples.Where(s => s.Seconds >= from && s.Seconds <= to).Select(s => s.Bytes).ToArray();
        return window.Length == 0 ? 0 : (long)window.Average();
    }
}
