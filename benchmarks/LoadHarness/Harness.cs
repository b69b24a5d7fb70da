using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Mostlyucid.LlmBackend.Benchmarks.Load;

/// <summary>
/// Runs the whole comparison: starts the fake upstream on the load core, then each target in turn alone on the
/// system-under-test core, checks it answers both ways, warms it, sends it every <see cref="Scenario"/>, and for our
/// gateway samples its memory over a sustained run first. Prints the table and writes it as Markdown.
/// </summary>
internal static class Harness
{
    public static async Task<int> RunAsync(HarnessOptions options)
    {
        var clock = Stopwatch.StartNew();
        var cores = Cores.Choose(options.Pin);
        var logs = Path.Combine(options.Root, "artifacts", "benchmarks", "logs");
        var machine = await MachineInfo.DescribeAsync().ConfigureAwait(false);
        Console.WriteLine(machine);
        Console.WriteLine("Pinning: " + cores.Describe());

        var upstreamDll = Path.Combine(options.Root, "benchmarks", "FakeUpstream", "bin", "Release", "net10.0", "FakeUpstream.dll");
        using var upstream = ManagedProcess.Start(
            "fake upstream",
            cores.Load,
            "dotnet",
            new[] { upstreamDll, "--chunks", Upstream.StreamChunks.ToString(CultureInfo.InvariantCulture) }
                .Concat(Upstream.All.SelectMany(u => new[] { "--listen", $"{u.Port}:{u.LatencyMs}:{u.ChunkIntervalMs}" })),
            Path.Combine(logs, "upstream.log"));
        foreach (var port in Upstream.All.Select(u => u.Port))
        {
            await upstream.WaitForPortAsync(port, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }

        if (options.Wasm && !File.Exists(Path.Combine(options.Root, Targets.WasmPlugin)))
        {
            throw new InvalidOperationException($"The Wasm column needs the sample plugin {Targets.WasmPlugin}: run `bash samples/wasm/build.sh` (benchmarks/run-load.sh does), or pass --no-wasm.");
        }

        var targets = Targets.All(options.Root, options.Peer, options.Wasm, options.LedgerOff);
        var results = new Dictionary<(string Target, string Scenario), Measurement>();
        var memory = new Dictionary<string, MemoryRun>();
        var peaks = new Dictionary<string, long>();
        var load = new LoadRunner(options, cores, options.Root);

        // The upstream compiles as it goes too: load it before the direct column is measured.
        Console.WriteLine("Warming the fake upstream");
        var direct = Targets.Direct();
        foreach (var port in new[] { Upstream.Fast, Upstream.Slow })
        {
            await load.WrkAsync(direct.EndpointFor(port), 64, 5).ConfigureAwait(false);
        }

        await load.MeasureAsync(direct, new Scenario("warm-streams", "streams", Upstream.Fast, 100, true)).ConfigureAwait(false);
        foreach (var target in targets)
        {
            Console.WriteLine();
            Console.WriteLine($"== {target.Name}");
            using var process = target.Start(new TargetContext(options.Root, cores.SystemUnderTest, logs));
            if (process is not null && target.Port is { } port)
            {
                await process.WaitForPortAsync(port, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            }

            await Sanity.CheckAsync(target).ConfigureAwait(false);
            if (process is not null && target.MeasureSustainedMemory && options.SustainedSeconds > 0)
            {
                memory[target.Key] = await load.SustainedAsync(target, process, options.SustainedSeconds).ConfigureAwait(false);
                Console.WriteLine($"   sustained {options.SustainedSeconds} s: peak {Mib(memory[target.Key].PeakBytes)}, steady {Mib(memory[target.Key].SteadyBytes)}, growth over the last minute {Mib(memory[target.Key].GrowthBytes)}; {memory[target.Key].Load.PerSecond:0} req/s");
            }
            else if (target.WarmupSeconds > 0)
            {
                await load.WrkAsync(target.EndpointFor(Upstream.Fast), 64, target.WarmupSeconds).ConfigureAwait(false);
            }

            foreach (var scenario in Scenario.All)
            {
                var measurement = await load.MeasureAsync(target, scenario).ConfigureAwait(false);
                results[(target.Key, scenario.Key)] = measurement;
                Console.WriteLine($"   {scenario.Description,-36} {measurement.Raw}");
            }

            if (process is not null)
            {
                peaks[target.Key] = process.PeakResidentBytes();
            }
        }

        var report = new Report(targets, results, memory, peaks);
        var table = report.Render();
        Console.WriteLine();
        Console.WriteLine(table);
        foreach (var (key, run) in memory)
        {
            Console.WriteLine($"RSS of {targets.First(t => t.Key == key).Name} during the sustained run: {run.Series()}.");
        }

        var markdown = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {clock.Elapsed.TotalMinutes:0.0} min: `bash benchmarks/run-load.sh` (durations {options.DurationSeconds} s measured after {options.WarmupSeconds} s warm-up; sustained run {options.SustainedSeconds} s)")
            .AppendLine()
            .AppendLine("```")
            .AppendLine(machine)
            .AppendLine("Pinning: " + cores.Describe())
            .AppendLine("```")
            .AppendLine()
            .AppendLine(table)
            .AppendJoin(Environment.NewLine, memory.Select(m => $"RSS of {targets.First(t => t.Key == m.Key).Name} during the sustained run: {m.Value.Series()}."))
            .AppendLine()
            .ToString();
        Directory.CreateDirectory(Path.GetDirectoryName(options.Out)!);
        await File.WriteAllTextAsync(options.Out, markdown).ConfigureAwait(false);
        Console.WriteLine($"Written to {options.Out}; process logs in {logs}. Took {clock.Elapsed.TotalMinutes:0.0} min.");
        return 0;
    }

    public static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0} MB");
}
