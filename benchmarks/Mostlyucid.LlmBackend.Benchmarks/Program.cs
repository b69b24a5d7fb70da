// Micro-benchmarks of the gateway's hot path (docs/benchmarks.md). Run them all with
//   bash benchmarks/run-micro.sh
// or pick with BenchmarkDotNet's own options, for example
//   dotnet run -c Release --project benchmarks/Mostlyucid.LlmBackend.Benchmarks -- --filter '*EndToEnd*'
// A run that includes WasmBackendOverheadBenchmarks also prints the plugin backends' overhead per request and per chunk.
// `-- --telemetry-ab` runs telemetry off and on side by side instead (TelemetryAb).
using BenchmarkDotNet.Running;
using Mostlyucid.LlmBackend.Benchmarks;

if (args is ["--telemetry-ab", ..])
{
    // Telemetry off and on side by side in one process (TelemetryAb): BenchmarkDotNet's separate runs drift apart more
    // than the difference on a shared machine.
    await TelemetryAb.RunAsync().ConfigureAwait(false);
    return;
}

var summaries = BenchmarkSwitcher.FromAssembly(typeof(HotPathBenchmarks).Assembly).Run(args);
WasmOverheadReport.Write(summaries);
