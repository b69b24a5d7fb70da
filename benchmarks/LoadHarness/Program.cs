// The load harness (see docs/benchmarks.md). benchmarks/run-load.sh installs and builds what it needs, then runs
//   dotnet LoadHarness.dll run [--duration 6] [--repeat 3] [--startup 30] [--sustained 120] [--no-peer] [--no-wasm] [--no-features-off] [--no-pin] [--out FILE]
// The stream load generator it starts on the load core can also be run alone:
//   dotnet LoadHarness.dll streams --url URL --model M --concurrency N --duration 10 [--warmup 3] [--header "k: v"]
// And benchmarks/run-allocations.sh reads its allocation trace with
//   dotnet LoadHarness.dll allocations --trace FILE.nettrace [--requests N] [--top 30]
using Mostlyucid.LlmBackend.Benchmarks.Load;

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: LoadHarness run [options] | LoadHarness streams [options] | LoadHarness allocations [options]   (see docs/benchmarks.md)");
    return 2;
}

try
{
    return args[0] switch
    {
        "run" => await Harness.RunAsync(HarnessOptions.Parse(args[1..])).ConfigureAwait(false),
        "streams" => await StreamLoad.RunAsync(StreamLoadOptions.Parse(args[1..])).ConfigureAwait(false),
        "allocations" => AllocationReport.Run(args[1..]),
        _ => throw new ArgumentException($"Unknown command '{args[0]}': use 'run', 'streams' or 'allocations'."),
    };
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
