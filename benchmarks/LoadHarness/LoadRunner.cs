using System.Diagnostics;
using System.Globalization;

namespace Mostlyucid.LlmBackend.Benchmarks.Load;

/// <summary>Sends load from the load core: wrk for plain requests, this program's <c>streams</c> command for streams.</summary>
internal sealed class LoadRunner
{
    private readonly HarnessOptions _options;
    private readonly Cores _cores;
    private readonly string _wrkScript;

    public LoadRunner(HarnessOptions options, Cores cores, string root)
    {
        _options = options;
        _cores = cores;
        _wrkScript = Path.Combine(root, "benchmarks", "wrk", "chat.lua");
    }

    public async Task<Measurement> MeasureAsync(Target target, Scenario scenario)
    {
        var endpoint = target.EndpointFor(scenario.Upstream);
        if (scenario.Streams)
        {
            return await StreamsAsync(endpoint, scenario.Concurrency).ConfigureAwait(false);
        }

        if (_options.WarmupSeconds > 0)
        {
            await WrkAsync(endpoint, scenario.Concurrency, _options.WarmupSeconds).ConfigureAwait(false);
        }

        return await WrkAsync(endpoint, scenario.Concurrency, _options.DurationSeconds).ConfigureAwait(false);
    }

    /// <summary>Loads the target for a long run while sampling its resident memory every second.</summary>
    public async Task<MemoryRun> SustainedAsync(Target target, ManagedProcess process, int seconds)
    {
        var samples = new List<(double, long)>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                samples.Add((clock.Elapsed.TotalSeconds, process.ResidentBytes()));
                try
                {
                    await Task.Delay(1000, stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        });
        var load = await WrkAsync(target.EndpointFor(Upstream.Slow), 256, seconds).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await sampler.ConfigureAwait(false);
        return new MemoryRun(samples, load);
    }

    /// <summary>
    /// Loads a freshly started target (64 connections, 0 ms upstream) for <paramref name="seconds"/>, in 5-second windows:
    /// its throughput in each, from the first request on — how long it takes to reach full speed.
    /// </summary>
    public async Task<IReadOnlyList<double>> StartupCurveAsync(Target target, int seconds)
    {
        var windows = new List<double>();
        for (var elapsed = 0; elapsed < seconds; elapsed += StartupWindowSeconds)
        {
            var window = await WrkAsync(target.EndpointFor(Upstream.Fast), 64, Math.Min(StartupWindowSeconds, seconds - elapsed)).ConfigureAwait(false);
            windows.Add(window.PerSecond);
        }

        return windows;
    }

    /// <summary>The length of a window of <see cref="StartupCurveAsync"/>, in seconds.</summary>
    public const int StartupWindowSeconds = 5;

    public async Task<Measurement> WrkAsync(Endpoint endpoint, int connections, int seconds)
    {
        var environment = new Dictionary<string, string>
        {
            ["WRK_MODEL"] = endpoint.Model,
            ["WRK_HEADERS"] = string.Join('|', endpoint.Headers.Select(h => $"{h.Key}: {h.Value}")),
            ["WRK_UNIQUE"] = endpoint.UniqueBodies ? Guid.NewGuid().ToString("N") : string.Empty,
        };
        var output = await ManagedProcess.RunAsync(
            _cores.Load,
            "wrk",
            new[] { "-t1", $"-c{connections}", $"-d{seconds}s", "--timeout", "10s", "-s", _wrkScript, endpoint.Url.ToString() },
            environment,
            TimeSpan.FromSeconds(seconds + 60)).ConfigureAwait(false);
        var line = ResultLine(output, "wrk");
        var values = Fields(line);
        var requests = values["requests"];
        var errors = values["non2xx"] + values["socket_errors"];
        return new Measurement
        {
            P50Us = values["p50_us"],
            P99Us = values["p99_us"],
            PerSecond = (requests - values["non2xx"]) / (values["duration_us"] / 1e6),
            Errors = (long)errors,
            Raw = line,
        };
    }

    private async Task<Measurement> StreamsAsync(Endpoint endpoint, int concurrency)
    {
        var arguments = new List<string>
        {
            typeof(LoadRunner).Assembly.Location, "streams",
            "--url", endpoint.Url.ToString(),
            "--model", endpoint.Model,
            "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture),
            "--duration", _options.DurationSeconds.ToString(CultureInfo.InvariantCulture),
            "--warmup", Math.Max(3, _options.WarmupSeconds).ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in endpoint.Headers)
        {
            arguments.Add("--header");
            arguments.Add($"{name}: {value}");
        }

        var output = await ManagedProcess.RunAsync(_cores.Load, "dotnet", arguments, timeout: TimeSpan.FromSeconds(_options.DurationSeconds + 120)).ConfigureAwait(false);
        var line = ResultLine(output, "streams");
        var values = Fields(line);
        var errorLines = output.Split('\n').Where(l => l.StartsWith("ERROR", StringComparison.Ordinal));
        return new Measurement
        {
            P50Us = values["ttft_p50_us"],
            P99Us = values["ttft_p99_us"],
            PerSecond = values["streams_per_s"],
            Errors = (long)values["failed"],
            Completed = (long)values["completed"],
            Raw = string.Join(" / ", new[] { line }.Concat(errorLines)),
        };
    }

    private static string ResultLine(string output, string tool) =>
        output.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal))?.Trim()
        ?? throw new InvalidOperationException($"{tool} printed no RESULT line:\n{output}");

    private static Dictionary<string, double> Fields(string line) => line["RESULT ".Length..]
        .Split(' ', StringSplitOptions.RemoveEmptyEntries)
        .Select(pair => pair.Split('='))
        .ToDictionary(pair => pair[0], pair => double.Parse(pair[1], CultureInfo.InvariantCulture));
}
