using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;

namespace Mostlyucid.LlmBackend.Benchmarks;

/// <summary>
/// Turns a run of <see cref="WasmBackendOverheadBenchmarks"/> into the overhead table of docs/benchmarks.md, from the
/// medians BenchmarkDotNet measured (the p50 of the per-operation times): per request, a backend's <c>Chat</c> minus the
/// built-in backend's; per chunk, the slope <c>(Stream100 − Stream1) / 99</c>, and that minus the built-in backend's slope.
/// Printed after the run and written next to BenchmarkDotNet's own results.
/// </summary>
internal static class WasmOverheadReport
{
    private const double TargetMs = 1.0;

    public static void Write(IEnumerable<Summary> summaries)
    {
        foreach (var summary in summaries)
        {
            var medians = new Dictionary<(PluginUnderTest Backend, string Method), double>();
            foreach (var report in summary.Reports)
            {
                if (report.BenchmarkCase.Descriptor.Type != typeof(WasmBackendOverheadBenchmarks) || report.ResultStatistics is not { } statistics)
                {
                    continue;
                }

                var backend = (PluginUnderTest)report.BenchmarkCase.Parameters[nameof(WasmBackendOverheadBenchmarks.Backend)];
                medians[(backend, report.BenchmarkCase.Descriptor.WorkloadMethod.Name)] = statistics.Median;
            }

            if (medians.Count == 0)
            {
                continue;
            }

            var table = Render(medians);
            Console.WriteLine();
            Console.WriteLine("Wasm and native backend overhead (from the medians above; overhead = minus the built-in backend):");
            Console.WriteLine(table);
            var path = Path.Combine(summary.ResultsDirectoryPath, "WasmBackendOverhead-report.md");
            File.WriteAllText(path, table);
            Console.WriteLine($"Written to {path}");
        }
    }

    private static string Render(Dictionary<(PluginUnderTest Backend, string Method), double> medians)
    {
        double? Median(PluginUnderTest backend, string method) => medians.TryGetValue((backend, method), out var ns) ? ns : null;
        double? Slope(PluginUnderTest backend) =>
            Median(backend, nameof(WasmBackendOverheadBenchmarks.Stream100)) is { } many && Median(backend, nameof(WasmBackendOverheadBenchmarks.Stream1)) is { } one
                ? (many - one) / (PluginBackendFixture.LongStreamChunks - 1)
                : null;

        var baseChat = Median(PluginUnderTest.BuiltIn, nameof(WasmBackendOverheadBenchmarks.Chat));
        var baseSlope = Slope(PluginUnderTest.BuiltIn);
        var text = new StringBuilder()
            .AppendLine("| Backend | Chat p50 | Overhead per request (p50) | ≤ 1 ms? | Stream, 1 chunk p50 | Stream, 100 chunks p50 | Per chunk (slope) | Overhead per chunk |")
            .AppendLine("|---|---:|---:|---|---:|---:|---:|---:|");
        foreach (var backend in Enum.GetValues<PluginUnderTest>())
        {
            var chat = Median(backend, nameof(WasmBackendOverheadBenchmarks.Chat));
            var slope = Slope(backend);
            var overhead = chat - baseChat;
            var met = backend == PluginUnderTest.BuiltIn || overhead is null ? string.Empty : overhead <= TargetMs * 1e6 ? "yes" : "**no**";
            text.Append(CultureInfo.InvariantCulture, $"| {backend} | {Time(chat)} | {(backend == PluginUnderTest.BuiltIn ? "(baseline)" : Time(overhead, signed: true))} | {met} | ")
                .Append(CultureInfo.InvariantCulture, $"{Time(Median(backend, nameof(WasmBackendOverheadBenchmarks.Stream1)))} | {Time(Median(backend, nameof(WasmBackendOverheadBenchmarks.Stream100)))} | ")
                .AppendLine(CultureInfo.InvariantCulture, $"{Time(slope)} | {(backend == PluginUnderTest.BuiltIn ? "(baseline)" : Time(slope - baseSlope, signed: true))} |");
        }

        return text.ToString();
    }

    private static string Time(double? nanoseconds, bool signed = false)
    {
        if (nanoseconds is not { } ns)
        {
            return "—";
        }

        var sign = signed && ns >= 0 ? "+" : string.Empty;
        return Math.Abs(ns) switch
        {
            < 1_000 => string.Create(CultureInfo.InvariantCulture, $"{sign}{ns:0} ns"),
            < 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{sign}{ns / 1e3:0.0} µs"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{sign}{ns / 1e6:0.00} ms"),
        };
    }
}
