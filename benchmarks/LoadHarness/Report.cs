using System.Globalization;
using System.Text;

namespace Mostlyucid.LlmBackend.Benchmarks.Load;

/// <summary>
/// The table: one row per measure, one column per target, then the issue's target for our gateway and whether it was met.
/// "Added" is a gateway's percentile minus the direct column's percentile in the same run; ratios compare columns of the
/// same run.
/// </summary>
internal sealed class Report
{
    private const long TwoHundredMiB = 200L * 1024 * 1024;

    private readonly IReadOnlyList<Target> _targets;
    private readonly IReadOnlyDictionary<(string Target, string Scenario), Measurement> _results;
    private readonly IReadOnlyDictionary<string, MemoryRun> _memory;
    private readonly IReadOnlyDictionary<string, long> _peaks;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<double>> _startup;

    public Report(
        IReadOnlyList<Target> targets,
        IReadOnlyDictionary<(string, string), Measurement> results,
        IReadOnlyDictionary<string, MemoryRun> memory,
        IReadOnlyDictionary<string, long> peaks,
        IReadOnlyDictionary<string, IReadOnlyList<double>> startup)
    {
        _targets = targets;
        _results = results;
        _memory = memory;
        _peaks = peaks;
        _startup = startup;
    }

    private bool HasPeer => _targets.Any(t => t.Key == Targets.PeerKey);

    private bool HasWasm => _targets.Any(t => t.Key == Targets.WasmGatewayKey);

    private bool HasFeaturesOff => _targets.Any(t => t.Key == Targets.FeaturesOffGatewayKey);

    public string Render()
    {
        var header = new List<string> { "Measure" };
        header.AddRange(_targets.Select(t => t.Name));
        header.Add("Target (our gateway)");
        header.Add("Met?");
        var rows = new List<string[]>();

        Latency(rows, "Latency p50, 1 request in flight, 0 ms upstream", m => m.P50Us, 100);
        Latency(rows, "Latency p99, 1 request in flight, 0 ms upstream", m => m.P99Us, 250);
        Throughput(rows, "throughput-20ms-64", "Throughput, 64 connections, 20 ms upstream", null);
        Throughput(rows, "throughput-20ms-256", "Throughput, 256 connections, 20 ms upstream", 0.90);
        Throughput(rows, "throughput-0ms-64", "Throughput, 64 connections, 0 ms upstream", 0.40);
        Ttft(rows, "ttft-1", "1 stream", null);
        Ttft(rows, "ttft-100", "100 concurrent streams", (m, direct) => ($"added p50 ≤ 1 ms", m.Errors == 0 && m.P50Us - direct.P50Us <= 1000, $"added p50 {Added(m.P50Us - direct.P50Us)}"));
        Ttft(rows, "ttft-1000", "1000 concurrent streams", (m, direct) => ("all complete; added p99 ≤ 5 ms", m.Errors == 0 && m.P99Us - direct.P99Us <= 5000, $"{m.Errors} failed, added p99 {Added(m.P99Us - direct.P99Us)}"));
        StartupRow(rows);

        if (HasWasm)
        {
            WasmOverhead(rows);
        }

        if (HasFeaturesOff)
        {
            FeaturesCost(rows);
        }

        if (HasPeer)
        {
            PeerRatios(rows);
        }

        MemoryRows(rows);
        return Render(header, rows);
    }

    private void Latency(List<string[]> rows, string label, Func<Measurement, double> pick, double targetUs)
    {
        var direct = pick(Get(Targets.DirectKey, "latency-1"));
        var row = Row(label, target =>
        {
            var value = pick(Get(target.Key, "latency-1"));
            return target.Key == Targets.DirectKey ? Us(value) : $"{Us(value)} (+{Us(value - direct)})";
        });
        var added = pick(Get(Targets.GatewayKey, "latency-1")) - direct;
        Finish(row, $"added ≤ {Us(targetUs)}", added <= targetUs, $"{Us(added)}, {added / targetUs:0.0}× the target");
        rows.Add(row);
    }

    private void Throughput(List<string[]> rows, string scenario, string label, double? minimumShare)
    {
        var direct = Get(Targets.DirectKey, scenario).PerSecond;
        var row = Row(label, target =>
        {
            var measurement = Get(target.Key, scenario);
            var text = target.Key == Targets.DirectKey ? Rate(measurement.PerSecond) : $"{Rate(measurement.PerSecond)} ({measurement.PerSecond / direct:0%})";
            return measurement.Errors > 0 ? text + $", {measurement.Errors} errors" : text;
        });
        var share = Get(Targets.GatewayKey, scenario).PerSecond / direct;
        if (minimumShare is { } minimum)
        {
            Finish(row, $"≥ {minimum:0%} of direct", share >= minimum && Get(Targets.GatewayKey, scenario).Errors == 0, $"{share:0%} of direct");
        }
        else
        {
            Finish(row, "—", null, string.Empty);
        }

        rows.Add(row);
    }

    private void Ttft(List<string[]> rows, string scenario, string label, Func<Measurement, Measurement, (string Target, bool Met, string Detail)>? check)
    {
        var direct = Get(Targets.DirectKey, scenario);
        var row = Row($"Time to first token p50 / p99, {label}", target =>
        {
            var m = Get(target.Key, scenario);
            var text = $"{Us(m.P50Us)} / {Us(m.P99Us)}";
            if (target.Key != Targets.DirectKey)
            {
                text += $" ({Added(m.P50Us - direct.P50Us)} / {Added(m.P99Us - direct.P99Us)})";
            }

            return text + $"; {m.Completed} done" + (m.Errors > 0 ? $", {m.Errors} FAILED" : string.Empty);
        });
        if (check?.Invoke(Get(Targets.GatewayKey, scenario), direct) is { } verdict)
        {
            Finish(row, verdict.Target, verdict.Met, verdict.Detail);
        }
        else
        {
            Finish(row, "—", null, string.Empty);
        }

        rows.Add(row);
    }

    /// <summary>
    /// How fast each freshly started target reaches full speed: its throughput in 5-second windows from its first request
    /// (64 connections, 0 ms upstream), beside what the same load gave it in the measured runs.
    /// </summary>
    private void StartupRow(List<string[]> rows)
    {
        if (_startup.Count == 0)
        {
            return;
        }

        var row = Row($"Throughput from the first request, 64 connections, 0 ms upstream, {LoadRunner.StartupWindowSeconds} s windows (÷ its measured throughput)", target =>
            _startup.TryGetValue(target.Key, out var windows)
                ? string.Join(" → ", windows.Select(w => $"{w / 1000:0.0}k")) + $" ({Share(windows, Get(target.Key, "throughput-0ms-64").PerSecond)})"
                : string.Empty);
        if (_startup.TryGetValue(Targets.GatewayKey, out var ours))
        {
            var steady = Get(Targets.GatewayKey, "throughput-0ms-64").PerSecond;
            var within = ours.Take(2).DefaultIfEmpty(0).Max() / steady;
            Finish(row, "≥ 90% of full speed within 10 s of start", within >= 0.9, $"{within:0%} in the first 10 s");
        }
        else
        {
            Finish(row, "—", null, string.Empty);
        }

        rows.Add(row);
    }

    private static string Share(IReadOnlyList<double> windows, double steady) =>
        steady > 0 ? string.Join(", ", windows.Select(w => $"{w / steady:0%}")) : "—";

    /// <summary>
    /// What the optional features cost together (key check, limits, budget, ledger, telemetry, a cache miss): the gateway
    /// with them on against the same gateway with them off, in the same run.
    /// </summary>
    private void FeaturesCost(List<string[]> rows)
    {
        var on = Get(Targets.GatewayKey, "latency-1");
        var off = Get(Targets.FeaturesOffGatewayKey, "latency-1");
        var row = Row("Features on vs off: latency p50 / p99, 1 request in flight (on minus off)", target =>
            target.Key == Targets.GatewayKey ? $"{Added(on.P50Us - off.P50Us)} / {Added(on.P99Us - off.P99Us)}" : string.Empty);
        var share = on.P50Us / off.P50Us;
        Finish(row, "p50 within 10% of off", share <= 1.10, $"{share - 1:+0%;-0%} at p50");
        rows.Add(row);

        foreach (var (scenario, label) in new[] { ("throughput-20ms-256", "256 connections, 20 ms upstream"), ("throughput-0ms-64", "64 connections, 0 ms upstream") })
        {
            var ratio = Get(Targets.GatewayKey, scenario).PerSecond / Get(Targets.FeaturesOffGatewayKey, scenario).PerSecond;
            var throughput = Row($"Features on vs off: throughput, {label} (on ÷ off)", target =>
                target.Key == Targets.GatewayKey ? $"{ratio:0.0%}" : string.Empty);
            Finish(throughput, "≥ 90% of off", ratio >= 0.90, $"{ratio:0.0%}");
            rows.Add(throughput);
        }
    }

    /// <summary>
    /// The cost of the plugin alone: the Wasm column minus the built-in gateway's column (not minus direct), since
    /// everything else on the path is the same.
    /// </summary>
    private void WasmOverhead(List<string[]> rows)
    {
        var builtIn = Get(Targets.GatewayKey, "latency-1");
        var wasm = Get(Targets.WasmGatewayKey, "latency-1");
        var p50 = wasm.P50Us - builtIn.P50Us;
        var p99 = wasm.P99Us - builtIn.P99Us;
        var row = Row("Wasm backend overhead: latency p50 / p99, 1 request in flight, 0 ms upstream, minus the built-in gateway's", target =>
            target.Key == Targets.WasmGatewayKey ? $"{Added(p50)} / {Added(p99)}" : string.Empty);
        Finish(row, "p50 ≤ 1 ms", p50 <= 1000 && wasm.Errors == 0, $"{Added(p50)} at p50");
        rows.Add(row);

        var ttftBuiltIn = Get(Targets.GatewayKey, "ttft-1");
        var ttftWasm = Get(Targets.WasmGatewayKey, "ttft-1");
        row = Row("Wasm backend overhead: time to first token p50 / p99, 1 stream, minus the built-in gateway's", target =>
            target.Key == Targets.WasmGatewayKey ? $"{Added(ttftWasm.P50Us - ttftBuiltIn.P50Us)} / {Added(ttftWasm.P99Us - ttftBuiltIn.P99Us)}" : string.Empty);
        Finish(row, "—", null, string.Empty);
        rows.Add(row);

        foreach (var (scenario, label) in new[] { ("throughput-20ms-256", "256 connections, 20 ms upstream"), ("throughput-0ms-64", "64 connections, 0 ms upstream") })
        {
            var share = Get(Targets.WasmGatewayKey, scenario).PerSecond / Get(Targets.GatewayKey, scenario).PerSecond;
            row = Row($"Wasm backend: throughput as a share of the built-in gateway's, {label}", target =>
                target.Key == Targets.WasmGatewayKey ? $"{share:0%}" : string.Empty);
            Finish(row, "—", null, string.Empty);
            rows.Add(row);
        }
    }

    private void PeerRatios(List<string[]> rows)
    {
        foreach (var (scenario, label) in new[] { ("throughput-20ms-256", "256 connections, 20 ms upstream"), ("throughput-0ms-64", "64 connections, 0 ms upstream") })
        {
            var ratio = Get(Targets.GatewayKey, scenario).PerSecond / Get(Targets.PeerKey, scenario).PerSecond;
            var row = Row($"Our throughput ÷ Portkey's, {label}", target => target.Key == Targets.GatewayKey ? $"{ratio:0.0}×" : string.Empty);
            Finish(row, "≥ 10×", ratio >= 10, $"{ratio:0.0}×");
            rows.Add(row);
        }

        var direct = Get(Targets.DirectKey, "latency-1");
        foreach (var (name, pick) in new (string, Func<Measurement, double>)[] { ("p50", m => m.P50Us), ("p99", m => m.P99Us) })
        {
            var ours = pick(Get(Targets.GatewayKey, "latency-1")) - pick(direct);
            var theirs = pick(Get(Targets.PeerKey, "latency-1")) - pick(direct);
            var share = ours / theirs;
            var row = Row($"Our added latency ÷ Portkey's, {name} at 1 in flight", target => target.Key == Targets.GatewayKey ? $"1/{1 / share:0}" : string.Empty);
            Finish(row, "≤ 1/10", share <= 0.1, $"1/{1 / share:0}");
            rows.Add(row);
        }
    }

    private void MemoryRows(List<string[]> rows)
    {
        foreach (var (key, run) in _memory)
        {
            var row = Row($"Memory (RSS) over {run.Duration:0} s at 256 connections, 20 ms upstream: peak / steady (last minute) / growth in the last minute", target =>
                target.Key == key ? $"{Harness.Mib(run.PeakBytes)} / {Harness.Mib(run.SteadyBytes)} / {(run.GrowthBytes >= 0 ? "+" : string.Empty)}{Harness.Mib(run.GrowthBytes)} ({Rate(run.Load.PerSecond)})" : string.Empty);
            var steady = Math.Abs(run.GrowthBytes) <= Math.Max(5L * 1024 * 1024, run.SteadyBytes / 20);
            if (key == Targets.GatewayKey)
            {
                Finish(row, "< 200 MB, no growth after the first minute", run.PeakBytes < TwoHundredMiB && steady, $"peak {Harness.Mib(run.PeakBytes)}, growth {Harness.Mib(run.GrowthBytes)}");
            }
            else
            {
                Finish(row, "—", null, string.Empty);
            }

            rows.Add(row);
        }

        if (_peaks.Count > 0)
        {
            var row = Row("Peak RSS over everything the process served (VmHWM)", target => _peaks.TryGetValue(target.Key, out var peak) ? Harness.Mib(peak) : string.Empty);
            Finish(row, "—", null, string.Empty);
            rows.Add(row);
        }
    }

    private string[] Row(string label, Func<Target, string> cell)
    {
        var row = new string[_targets.Count + 3];
        row[0] = label;
        for (var i = 0; i < _targets.Count; i++)
        {
            row[i + 1] = cell(_targets[i]);
        }

        return row;
    }

    private static void Finish(string[] row, string target, bool? met, string detail)
    {
        row[^2] = target;
        row[^1] = met switch
        {
            true => $"yes ({detail})",
            false => $"**no** ({detail})",
            null => string.Empty,
        };
    }

    private Measurement Get(string target, string scenario) =>
        _results.TryGetValue((target, scenario), out var measurement) ? measurement : new Measurement();

    private static string Render(List<string> header, List<string[]> rows)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
        var text = new StringBuilder();
        void Line(IReadOnlyList<string> cells) => text.Append("| ").AppendJoin(" | ", cells.Select((c, i) => c.PadRight(widths[i]))).AppendLine(" |");
        Line(header);
        text.Append('|').AppendJoin('|', widths.Select(w => new string('-', w + 2))).AppendLine("|");
        foreach (var row in rows)
        {
            Line(row);
        }

        return text.ToString();
    }

    private static string Us(double us) => Math.Abs(us) switch
    {
        < 1000 => string.Create(CultureInfo.InvariantCulture, $"{us:0} µs"),
        < 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{us / 1000:0.00} ms"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{us / 1e6:0.00} s"),
    };

    private static string Added(double us) => us >= 0 ? "+" + Us(us) : Us(us);

    private static string Rate(double perSecond) => string.Create(CultureInfo.InvariantCulture, $"{perSecond:N0}/s");
}
