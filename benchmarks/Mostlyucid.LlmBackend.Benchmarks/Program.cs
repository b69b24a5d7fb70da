// Micro-benchmarks of the gateway's hot path (docs/benchmarks.md). Run them all with
//   bash benchmarks/run-micro.sh
// or pick with BenchmarkDotNet's own options, for example
//   dotnet run -c Release --project benchmarks/Mostlyucid.LlmBackend.Benchmarks -- --filter '*EndToEnd*'
using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Mostlyucid.LlmBackend.Benchmarks.HotPathBenchmarks).Assembly).Run(args);
