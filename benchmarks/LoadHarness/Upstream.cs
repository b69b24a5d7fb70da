namespace Mostlyucid.LlmBackend.Benchmarks.Load;

/// <summary>
/// One listening port of the fake upstream: how long it waits before answering, and how far apart it sends the chunks of
/// a stream after the first (which comes at once with the role, so time to first token does not depend on it).
/// </summary>
internal sealed record Upstream(int Port, int LatencyMs, int ChunkIntervalMs)
{
    /// <summary>Answers at once; streams last about 2 s (so 1000 of them are open together at 500 new streams a second).</summary>
    public static readonly Upstream Fast = new(9100, 0, 200);

    /// <summary>Answers after 20 ms, like a quick provider.</summary>
    public static readonly Upstream Slow = new(9120, 20, 200);

    /// <summary>Answers at once; streams last about 0.1 s, so one stream at a time still gives many first tokens to time.</summary>
    public static readonly Upstream ShortStreams = new(9101, 0, 10);

    public static IReadOnlyList<Upstream> All { get; } = new[] { Fast, Slow, ShortStreams };

    /// <summary>Content chunks per stream.</summary>
    public const int StreamChunks = 10;

    public string BaseUrl => $"http://127.0.0.1:{Port}/v1";
}
