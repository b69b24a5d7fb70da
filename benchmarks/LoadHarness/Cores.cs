namespace Mostlyucid.LlmBackend.Benchmarks.Load;

/// <summary>
/// Which cores run what. With two or more cores the systems under test (our gateways — with, in the Wasm column, the
/// plugins, which run in process — and the peer gateway) share core 0, each idle but for the one being measured, and
/// everything else — the fake upstream, wrk, the stream load generator and this harness — shares core 1, the same in
/// every column, so a direct run and a run through a gateway differ only by the gateway.
/// </summary>
internal sealed record Cores(string? SystemUnderTest, string? Load)
{
    public static Cores Choose(bool pin) =>
        pin && Environment.ProcessorCount >= 2 && File.Exists("/usr/bin/taskset") ? new Cores("0", "1") : new Cores(null, null);

    public string Describe() => SystemUnderTest is null
        ? "not pinned (fewer than 2 cores, no taskset, or --no-pin): every process shares every core"
        : $"core {SystemUnderTest}: the systems under test (our gateways, with their Wasm plugins in process; Portkey), each idle but for the one measured; core {Load}: fake upstream + wrk + stream load generator + harness";
}
