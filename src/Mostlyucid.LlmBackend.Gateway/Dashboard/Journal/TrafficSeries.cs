namespace Mostlyucid.LlmBackend.Gateway.Dashboard.Journal;

/// <summary>
/// Requests counted into fixed time buckets (for example 10 s buckets for an hour) in a ring that reuses a bucket once
/// its period has passed out of the window. Counting is lock-free but for a bucket's first request of its period.
/// </summary>
internal sealed class TrafficSeries
{
    private readonly TrafficBucket[] _buckets;

    /// <summary>Initializes a new instance of the <see cref="TrafficSeries"/> class.</summary>
    /// <param name="bucket">Each bucket's length (whole seconds).</param>
    /// <param name="window">How far back the series reaches.</param>
    public TrafficSeries(TimeSpan bucket, TimeSpan window)
    {
        BucketSeconds = (long)bucket.TotalSeconds;
        ArgumentOutOfRangeException.ThrowIfLessThan(BucketSeconds, 1L);
        _buckets = new TrafficBucket[(int)Math.Ceiling(window.TotalSeconds / BucketSeconds) + 1];
        for (var i = 0; i < _buckets.Length; i++)
        {
            _buckets[i] = new TrafficBucket();
        }

        Window = TimeSpan.FromSeconds(BucketSeconds * (_buckets.Length - 1));
    }

    /// <summary>Gets each bucket's length in seconds.</summary>
    public long BucketSeconds { get; }

    /// <summary>Gets how far back the series reaches.</summary>
    public TimeSpan Window { get; }

    /// <summary>Counts a request at its time.</summary>
    /// <param name="entry">The request.</param>
    public void Add(JournalEntry entry)
    {
        var start = StartOf(entry.Timestamp);
        _buckets[IndexOf(start)].Add(start, entry);
    }

    /// <summary>Sums the buckets from <paramref name="from"/> to <paramref name="to"/> into points of <paramref name="step"/> each.</summary>
    /// <param name="from">The first time wanted.</param>
    /// <param name="to">The last time wanted (now).</param>
    /// <param name="step">Each point's length: a whole number of buckets.</param>
    /// <returns>Each point's start and counts, oldest first.</returns>
    public List<(DateTimeOffset Start, TrafficSummary Summary)> Points(DateTimeOffset from, DateTimeOffset to, TimeSpan step)
    {
        var stepSeconds = Math.Max(1, (long)step.TotalSeconds / BucketSeconds) * BucketSeconds;
        var last = StartOf(to);
        var oldest = last - ((_buckets.Length - 1) * BucketSeconds);
        var from0 = Math.Max(StartOf(from), oldest);
        var points = new List<(DateTimeOffset, TrafficSummary)>();

        // Points line up on multiples of the step, so a chart's points stay put as time moves on.
        for (var pointStart = from0 - (from0 % stepSeconds); pointStart <= last; pointStart += stepSeconds)
        {
            var summary = new TrafficSummary();
            for (var bucket = Math.Max(pointStart, oldest); bucket < pointStart + stepSeconds && bucket <= last; bucket += BucketSeconds)
            {
                // A bucket that holds another period (older than the ring, or never used) adds nothing.
                _buckets[IndexOf(bucket)].AddTo(bucket, summary);
            }

            points.Add((DateTimeOffset.FromUnixTimeSeconds(pointStart), summary));
        }

        return points;
    }

    private long StartOf(DateTimeOffset time)
    {
        var seconds = time.ToUnixTimeSeconds();
        return seconds - (((seconds % BucketSeconds) + BucketSeconds) % BucketSeconds);
    }

    private int IndexOf(long start) => (int)(((start / BucketSeconds) % _buckets.Length + _buckets.Length) % _buckets.Length);
}
