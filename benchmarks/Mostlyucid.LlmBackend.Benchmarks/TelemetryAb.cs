using System.Diagnostics;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Mostlyucid.LlmBackend.Benchmarks;

/// <summary>
/// <see cref="TelemetryBenchmarks"/> side by side in one process: rounds that alternate telemetry off and on (ABBA), each
/// timing every request, so the machine's load — which moves separate BenchmarkDotNet runs by more than the difference
/// measured — falls on both alike. Prints each mode's median request time and the median of the rounds' differences.
/// Run with <c>bash benchmarks/run-micro.sh --telemetry-ab</c>.
/// </summary>
internal static class TelemetryAb
{
    public static async Task RunAsync(int rounds = 40, int chatsPerRound = 4000, int streamsPerRound = 1000)
    {
        using var fixture = new GatewayFixture(streamChunks: 10);
        var request = new ChatRequest { Model = "up0", Messages = { new ChatMessage { Role = ChatRole.User, Content = "Say hello." } } };
        var chat = new Samples(rounds, chatsPerRound);
        var stream = new Samples(rounds, streamsPerRound);

        // Warm both paths in both modes.
        for (var warm = 0; warm < 2; warm++)
        {
            using (Listen(warm == 1))
            {
                await TimeAsync(fixture, request, 2000, 500, null, null).ConfigureAwait(false);
            }
        }

        for (var round = 0; round < rounds; round++)
        {
            // ABBA: on first in rounds 0, 3, 4, 7, 8, …
            var onFirst = (round % 4) is 0 or 3;
            foreach (var on in onFirst ? new[] { true, false } : new[] { false, true })
            {
                using (Listen(on))
                {
                    await TimeAsync(fixture, request, chatsPerRound, streamsPerRound, chat.For(on, round), stream.For(on, round)).ConfigureAwait(false);
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Telemetry off vs on, side by side: {rounds} rounds (ABBA), {chatsPerRound} chats and {streamsPerRound} ten-chunk streams a round and mode; medians of every request's time");
        Console.WriteLine();
        Console.WriteLine("| Request | Off, p50 | On, p50 | Added at p50 (median of the rounds' differences) | Rounds where On was slower | Off, p99 | On, p99 |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        chat.Print("Chat");
        stream.Print("Stream (10 chunks)");
    }

    private static Both? Listen(bool on)
    {
        if (!on)
        {
            return null;
        }

        var tracer = Sdk.CreateTracerProviderBuilder()
            .AddSource(LlmTelemetry.ActivitySourceName)
            .AddProcessor(new BatchActivityExportProcessor(new DiscardingSpanExporter()))
            .Build();
        var meter = Sdk.CreateMeterProviderBuilder()
            .AddMeter(LlmTelemetry.MeterName)
            .AddReader(new PeriodicExportingMetricReader(new DiscardingMetricExporter(), exportIntervalMilliseconds: 10_000))
            .Build();
        return new Both(tracer, meter);
    }

    private static async Task TimeAsync(GatewayFixture fixture, ChatRequest request, int chats, int streams, double[]? chatTimes, double[]? streamTimes)
    {
        using var caller = LlmCallContext.Begin(new LlmCallContext { CallerName = "bench" });
        for (var i = 0; i < chats; i++)
        {
            var started = Stopwatch.GetTimestamp();
            if (!(await fixture.Llm.ChatAsync(request).ConfigureAwait(false)).Success)
            {
                throw new InvalidOperationException("The chat failed.");
            }

            if (chatTimes is not null)
            {
                chatTimes[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            }
        }

        for (var i = 0; i < streams; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await foreach (var update in fixture.Llm.StreamChatAsync(request).ConfigureAwait(false))
            {
                _ = update;
            }

            if (streamTimes is not null)
            {
                streamTimes[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            }
        }
    }

    /// <summary>Every request's time, per round and mode.</summary>
    private sealed class Samples(int rounds, int perRound)
    {
        private readonly double[][] _off = CreateRounds(rounds, perRound);
        private readonly double[][] _on = CreateRounds(rounds, perRound);
        private readonly int _rounds = rounds;

        public double[] For(bool on, int round) => (on ? _on : _off)[round];

        public void Print(string name)
        {
            var off = _off.SelectMany(r => r).Order().ToArray();
            var on = _on.SelectMany(r => r).Order().ToArray();
            var differences = Enumerable.Range(0, _rounds).Select(r => Median(_on[r]) - Median(_off[r])).ToList();
            var slower = differences.Count(d => d > 0);
            Console.WriteLine($"| {name} | {Quantile(off, 0.5):0.0} µs | {Quantile(on, 0.5):0.0} µs | {Median(differences):+0.0;-0.0} µs | {slower} of {_rounds} | {Quantile(off, 0.99):0.0} µs | {Quantile(on, 0.99):0.0} µs |");
        }

        private static double Quantile(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];

        private static double[][] CreateRounds(int rounds, int perRound)
        {
            var all = new double[rounds][];
            for (var i = 0; i < rounds; i++)
            {
                all[i] = new double[perRound];
            }

            return all;
        }

        private static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
        }
    }

    private sealed class Both(TracerProvider tracer, MeterProvider meter) : IDisposable
    {
        public void Dispose()
        {
            tracer.Dispose();
            meter.Dispose();
        }
    }

    private sealed class DiscardingSpanExporter : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch) => ExportResult.Success;
    }

    private sealed class DiscardingMetricExporter : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
    }
}
