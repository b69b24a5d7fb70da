using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;

namespace Mostlyucid.LlmBackend.Benchmarks.Load;

/// <summary>
/// Keeps N chat completion streams open at once (each worker starts a new stream when its last one ends) and measures
/// time to first token: from just before the request is sent to the arrival of the first server-sent event whose delta
/// carries content. Streams started during the warm-up are not measured; every stream must end with <c>[DONE]</c> to count
/// as complete. Prints one <c>RESULT</c> line.
/// </summary>
internal static class StreamLoad
{
    private static readonly byte[] ContentStart = "\"content\":\""u8.ToArray();
    private static readonly byte[] Done = "[DONE]"u8.ToArray();

    public static async Task<int> RunAsync(StreamLoadOptions options)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        var body = Encoding.UTF8.GetBytes($$"""{"model":"{{options.Model}}","stream":true,"messages":[{"role":"user","content":"Tell me a short story."}],"max_tokens":64}""");

        var started = Stopwatch.GetTimestamp();
        var measureFrom = started + (long)(options.WarmupSeconds * Stopwatch.Frequency);
        var stopAt = measureFrom + (long)(options.DurationSeconds * Stopwatch.Frequency);
        var results = new WorkerResults[options.Concurrency];
        var workers = new Task[options.Concurrency];
        for (var i = 0; i < options.Concurrency; i++)
        {
            // Starts are spread over the warm-up so the streams are in flight together without arriving as one burst.
            var delay = TimeSpan.FromSeconds(options.WarmupSeconds * i / options.Concurrency);
            var result = results[i] = new WorkerResults();
            workers[i] = Task.Run(() => WorkAsync(client, options, body, delay, measureFrom, stopAt, result));
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        var ttfts = results.SelectMany(r => r.TtftTicks).Select(t => t * 1_000_000.0 / Stopwatch.Frequency).Order().ToArray();
        var completed = results.Sum(r => r.Completed);
        var failed = results.Sum(r => r.Failed);
        var elapsed = Stopwatch.GetElapsedTime(measureFrom).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT streams={completed + failed} completed={completed} failed={failed} measured={ttfts.Length} streams_per_s={ttfts.Length / Math.Max(0.001, Math.Min(elapsed, options.DurationSeconds)):0.0} ttft_p50_us={Percentile(ttfts, 50):0} ttft_p99_us={Percentile(ttfts, 99):0} ttft_max_us={(ttfts.Length > 0 ? ttfts[^1] : 0):0}"));
        foreach (var error in results.SelectMany(r => r.Errors).GroupBy(e => e).OrderByDescending(g => g.Count()).Take(3))
        {
            Console.WriteLine($"ERROR x{error.Count()}: {error.Key}");
        }

        return 0;
    }

    private static async Task WorkAsync(HttpClient client, StreamLoadOptions options, byte[] body, TimeSpan delay, long measureFrom, long stopAt, WorkerResults result)
    {
        await Task.Delay(delay).ConfigureAwait(false);
        while (Stopwatch.GetTimestamp() < stopAt)
        {
            var start = Stopwatch.GetTimestamp();
            var (firstToken, done, error) = await OneStreamAsync(client, options, body).ConfigureAwait(false);
            if (done && firstToken > 0)
            {
                result.Completed++;
                if (start >= measureFrom && start < stopAt)
                {
                    result.TtftTicks.Add(firstToken - start);
                }
            }
            else
            {
                result.Failed++;
                result.Errors.Add(error ?? (firstToken > 0 ? "stream ended without [DONE]" : "stream ended without content"));
            }
        }
    }

    private static async Task<(long FirstToken, bool Done, string? Error)> OneStreamAsync(HttpClient client, StreamLoadOptions options, byte[] body)
    {
        long firstToken = 0;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, options.Url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            foreach (var (name, value) in options.Headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return (0, false, $"HTTP {(int)response.StatusCode}");
            }

            var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                await foreach (var item in SseParser.Create(stream, static (_, data) => Classify(data)).EnumerateAsync().ConfigureAwait(false))
                {
                    if (item.Data == EventKind.Content && firstToken == 0)
                    {
                        firstToken = Stopwatch.GetTimestamp();
                    }
                    else if (item.Data == EventKind.Done)
                    {
                        return (firstToken, true, null);
                    }
                    else if (item.Data == EventKind.Error)
                    {
                        return (firstToken, false, "error event in the stream");
                    }
                }
            }

            return (firstToken, false, null);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
        {
            return (firstToken, false, ex.GetType().Name + ": " + ex.Message);
        }
    }

    private static EventKind Classify(ReadOnlySpan<byte> data)
    {
        if (data.SequenceEqual(Done))
        {
            return EventKind.Done;
        }

        if (data.StartsWith("{\"error\""u8))
        {
            return EventKind.Error;
        }

        var at = data.IndexOf(ContentStart);
        return at >= 0 && at + ContentStart.Length < data.Length && data[at + ContentStart.Length] != (byte)'"' ? EventKind.Content : EventKind.Other;
    }

    private static double Percentile(double[] sorted, double percent) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(percent / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    private enum EventKind
    {
        Other,
        Content,
        Done,
        Error,
    }

    private sealed class WorkerResults
    {
        public List<long> TtftTicks { get; } = new();

        public List<string> Errors { get; } = new();

        public int Completed { get; set; }

        public int Failed { get; set; }
    }
}
