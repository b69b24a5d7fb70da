namespace Mostlyucid.LlmBackend.Gateway.Dashboard.Journal;

/// <summary>The counts of one time bucket: requests and their kinds, and latency and first-token histograms.</summary>
internal sealed class TrafficBucket
{
    /// <summary>Counts, by index: see <see cref="TrafficCounter"/>.</summary>
    private readonly long[] _counts = new long[(int)TrafficCounter.Count];

    private readonly long[] _latency = new long[LatencyHistogram.Bins];
    private readonly long[] _firstToken = new long[LatencyHistogram.Bins];
    private long _start = long.MinValue;

    /// <summary>Gets the bucket's start, in seconds since the Unix epoch (<see cref="long.MinValue"/> before first use).</summary>
    public long Start => Volatile.Read(ref _start);

    /// <summary>Counts a request into the bucket starting at <paramref name="start"/>, clearing it first if it held an older period.</summary>
    /// <param name="start">The bucket's period start (Unix seconds).</param>
    /// <param name="entry">The request.</param>
    public void Add(long start, JournalEntry entry)
    {
        if (Volatile.Read(ref _start) != start)
        {
            // The slot last held a period a full ring ago: clear it once (a rare lock, once per bucket period).
            lock (_counts)
            {
                if (_start != start)
                {
                    Array.Clear(_counts);
                    Array.Clear(_latency);
                    Array.Clear(_firstToken);
                    Volatile.Write(ref _start, start);
                }
            }
        }

        Interlocked.Increment(ref _counts[(int)TrafficCounter.Requests]);
        Count(entry.IsError, TrafficCounter.Errors);
        Count(entry.FailedOver, TrafficCounter.Failovers);
        Count(entry.Hedged, TrafficCounter.Hedges);
        Count(entry.Continued, TrafficCounter.Continuations);
        Count(entry.CacheHit, TrafficCounter.CacheHits);
        Interlocked.Increment(ref _latency[LatencyHistogram.BinOf(entry.DurationMs)]);
        if (entry.TimeToFirstTokenMs is { } firstToken)
        {
            Interlocked.Increment(ref _firstToken[LatencyHistogram.BinOf(firstToken)]);
        }
    }

    /// <summary>Adds this bucket's counts to a summary, if the bucket holds the period starting at <paramref name="start"/>.</summary>
    /// <param name="start">The period wanted (Unix seconds).</param>
    /// <param name="into">The summary.</param>
    public void AddTo(long start, TrafficSummary into)
    {
        if (Start != start)
        {
            return;
        }

        for (var i = 0; i < _counts.Length; i++)
        {
            into.Counts[i] += Volatile.Read(ref _counts[i]);
        }

        for (var i = 0; i < _latency.Length; i++)
        {
            into.Latency[i] += Volatile.Read(ref _latency[i]);
            into.FirstToken[i] += Volatile.Read(ref _firstToken[i]);
        }
    }

    private void Count(bool happened, TrafficCounter counter)
    {
        if (happened)
        {
            Interlocked.Increment(ref _counts[(int)counter]);
        }
    }
}
