namespace Mostlyucid.LlmBackend.Benchmarks.Load;

/// <summary>
/// Which cores run what. With two or more cores the system under test (our gateway — with, in the Wasm column, the plugin
/// its Wasm plugins, which run in process — or the peer gateway) gets core 0 to itself and everything else — the fake upstream, wrk, the stream load generator and this harness — shares core 1, the
/// same in every column, so a direct run and a run through a gateway differ only by the gateway.
/// </summary>
internal sealed record Cores(string? SystemUnderTest, string? Load)
{
    public static Cores Choose(bool pin) =>
        pin && Environment.ProcessorCount >= 2 && File.Exists("/usr/bin/taskset") ? new Cores("0", "1") : new Cores(null, null);

    public string Describe() => SystemUnderTest is null
        ? "not pinned (fewer than 2 cores, no taskset, or --no-pin): every process shares every core"
        : $"core {SystemUnderTest}: the system under test (our gateway, with its Wasm plugins in process in the Wasm column; or Portkey), alone; core {Load}: fake upstream + wrk + stream load generator + harness";
}
