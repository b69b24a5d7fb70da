using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Mostlyucid.LlmBackend.Benchmarks.Load;

/// <summary>
/// Runs the whole comparison: starts the fake upstream on the load core and every target on the system-under-test core
/// (idle but for the one being measured), checks each answers both ways, loads each from its first request for its
/// warm-up curve, samples our gateway's memory over a sustained run, then measures every <see cref="Scenario"/> on every
/// target <see cref="HarnessOptions.Repeat"/> times, the repetitions interleaved across the targets. Prints the table of
/// medians and writes it as Markdown.
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

        if (!File.Exists(Path.Combine(options.Root, Targets.PublishedGateway)))
        {
            throw new InvalidOperationException($"The gateway columns run the published gateway {Targets.PublishedGateway}: run benchmarks/run-load.sh, which publishes it (dotnet publish src/Mostlyucid.LlmBackend.Gateway -c Release -r <rid> -o artifacts/benchmarks/gateway).");
        }

        var targets = Targets.All(options.Root, options.Peer, options.Wasm, options.FeaturesOff);
        var runs = new Dictionary<(string Target, string Scenario), List<Measurement>>();
        var memory = new Dictionary<string, MemoryRun>();
        var startup = new Dictionary<string, IReadOnlyList<double>>();
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
        var processes = new Dictionary<string, ManagedProcess>();
        try
        {
            foreach (var target in targets)
            {
                if (target.Start(new TargetContext(options.Root, cores.SystemUnderTest, logs)) is { } process)
                {
                    processes[target.Key] = process;
                    await process.WaitForPortAsync(target.Port!.Value, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
                }

                await Sanity.CheckAsync(target).ConfigureAwait(false);
            }

            foreach (var target in targets.Where(t => processes.ContainsKey(t.Key)))
            {
                Console.WriteLine();
                Console.WriteLine($"== {target.Name}: from its first request");
                if (options.StartupSeconds > 0)
                {
                    startup[target.Key] = await load.StartupCurveAsync(target, options.StartupSeconds).ConfigureAwait(false);
                    Console.WriteLine($"   req/s in {LoadRunner.StartupWindowSeconds} s windows after start: {string.Join(", ", startup[target.Key].Select(r => r.ToString("0", CultureInfo.InvariantCulture)))}");
                }

                if (target.MeasureSustainedMemory && options.SustainedSeconds > 0)
                {
                    var run = await load.SustainedAsync(target, processes[target.Key], options.SustainedSeconds).ConfigureAwait(false);
                    memory[target.Key] = run;
                    Console.WriteLine($"   sustained {options.SustainedSeconds} s: peak {Mib(run.PeakBytes)}, steady {Mib(run.SteadyBytes)}, growth over the last minute {Mib(run.GrowthBytes)}; {run.Load.PerSecond:0} req/s");
                }
            }

            for (var round = 0; round < options.Repeat; round++)
            {
                Console.WriteLine();
                Console.WriteLine($"== Round {round + 1} of {options.Repeat}");
                foreach (var scenario in Scenario.All)
                {
                    // Each round starts the rotation at another target, so no column is always measured first.
                    for (var i = 0; i < targets.Count; i++)
                    {
                        var target = targets[(i + round) % targets.Count];
                        var measurement = await load.MeasureAsync(target, scenario).ConfigureAwait(false);
                        if (!runs.TryGetValue((target.Key, scenario.Key), out var list))
                        {
                            runs[(target.Key, scenario.Key)] = list = new List<Measurement>();
                        }

                        list.Add(measurement);
                        Console.WriteLine($"   {target.Key,-24} {scenario.Description,-36} {measurement.Raw}");
                    }
                }
            }

            foreach (var (key, process) in processes)
            {
                peaks[key] = process.PeakResidentBytes();
            }
        }
        finally
        {
            foreach (var process in processes.Values)
            {
                process.Dispose();
            }
        }

        var results = runs.ToDictionary(r => r.Key, r => Measurement.Median(r.Value));
        var report = new Report(targets, results, memory, peaks, startup);
        var table = report.Render();
        Console.WriteLine();
        Console.WriteLine(table);
        foreach (var (key, run) in memory)
        {
            Console.WriteLine($"RSS of {targets.First(t => t.Key == key).Name} during the sustained run: {run.Series()}.");
        }

        var markdown = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {clock.Elapsed.TotalMinutes:0.0} min: `bash benchmarks/run-load.sh` (medians of {options.Repeat} interleaved runs of {options.DurationSeconds} s, each after {options.WarmupSeconds} s of the same load; each target first loaded {options.StartupSeconds} s from its first request; sustained run {options.SustainedSeconds} s)")
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
