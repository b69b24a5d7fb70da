using System.Globalization;

namespace Mostlyucid.LlmBackend.Benchmarks.FakeUpstream;

/// <summary>The fake upstream's command line: ports with their latency, and the shape of its streams.</summary>
internal sealed class UpstreamOptions
{
    /// <summary>Gets the latency before answering, in milliseconds, by listening port.</summary>
    public Dictionary<int, int> Latencies { get; } = new();

    /// <summary>Gets the pause between stream chunks after the first, in milliseconds, by listening port.</summary>
    public Dictionary<int, int> ChunkIntervals { get; } = new();

    /// <summary>Gets the number of content chunks in a stream (the first carries the role too).</summary>
    public int Chunks { get; private set; } = 10;

    /// <summary>Gets the pause between stream chunks for ports that do not set their own, in milliseconds.</summary>
    public int ChunkIntervalMs { get; private set; }

    public int ChunkIntervalFor(int port) => ChunkIntervals.TryGetValue(port, out var interval) ? interval : ChunkIntervalMs;

    public static UpstreamOptions Parse(string[] args)
    {
        var options = new UpstreamOptions();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--listen":
                    var parts = value.Split(':');
                    var port = int.Parse(parts[0], CultureInfo.InvariantCulture);
                    options.Latencies[port] = parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 0;
                    if (parts.Length > 2)
                    {
                        options.ChunkIntervals[port] = int.Parse(parts[2], CultureInfo.InvariantCulture);
                    }

                    break;
                case "--chunks":
                    options.Chunks = Math.Max(1, int.Parse(value, CultureInfo.InvariantCulture));
                    break;
                case "--chunk-interval-ms":
                    options.ChunkIntervalMs = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                default:
                    throw new ArgumentException($"Unknown option {args[i]}. Use --listen PORT:LATENCY_MS[:CHUNK_INTERVAL_MS] (repeatable), --chunks N, --chunk-interval-ms MS.");
            }
        }

        if (options.Latencies.Count == 0)
        {
            options.Latencies[9100] = 0;
        }

        return options;
    }
}
