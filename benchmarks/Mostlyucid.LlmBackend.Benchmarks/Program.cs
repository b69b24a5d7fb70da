// Micro-benchmarks of the gateway's hot path (docs/benchmarks.md). Run them all with
//   bash benchmarks/run-micro.sh
// or pick with BenchmarkDotNet's own options, for example
//   dotnet run -c Release --project benchmarks/Mostlyucid.LlmBackend.Benchmarks -- --filter '*EndToEnd*'
// A run that includes WasmBackendOverheadBenchmarks also prints the plugin backends' overhead per request and per chunk.
using BenchmarkDotNet.Running;
using Mostlyucid.LlmBackend.Benchmarks;

var summaries = BenchmarkSwitcher.FromAssembly(typeof(HotPathBenchmarks).Assembly).Run(args);
WasmOverheadReport.Write(summaries);
