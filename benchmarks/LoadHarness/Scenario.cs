namespace Mostlyucid.LlmBackend.Benchmarks.Load;

/// <summary>A load sent to every target alike: non-streamed requests through wrk, or concurrent streams.</summary>
internal sealed record Scenario(string Key, string Description, Upstream Upstream, int Concurrency, bool Streams)
{
    public static IReadOnlyList<Scenario> All { get; } = new[]
    {
        new Scenario("latency-1", "1 request in flight, 0 ms upstream", Upstream.Fast, 1, false),
        new Scenario("throughput-20ms-64", "64 connections, 20 ms upstream", Upstream.Slow, 64, false),
        new Scenario("throughput-20ms-256", "256 connections, 20 ms upstream", Upstream.Slow, 256, false),
        new Scenario("throughput-0ms-64", "64 connections, 0 ms upstream", Upstream.Fast, 64, false),
        new Scenario("ttft-1", "1 stream", Upstream.ShortStreams, 1, true),
        new Scenario("ttft-100", "100 concurrent streams", Upstream.Fast, 100, true),
        new Scenario("ttft-1000", "1000 concurrent streams", Upstream.Fast, 1000, true),
    };
}
