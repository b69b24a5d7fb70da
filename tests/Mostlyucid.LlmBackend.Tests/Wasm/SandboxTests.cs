using System.Buffers.Binary;
using System.Diagnostics;
using Mostlyucid.LlmBackend.Tests.TestSupport;
using Mostlyucid.LlmBackend.Wasm.Carriers;
using Mostlyucid.LlmBackend.Wasm.Sidecar;

namespace Mostlyucid.LlmBackend.Tests.Wasm;

/// <summary>
/// The sandbox's guarantees, each against a plugin that breaks it on purpose (Wasm/Plugins/misbehaving.wat): a time
/// limit per call, a memory cap, traps that end one call only, parallel instances, a sidecar that restarts after a crash,
/// and a sidecar that sees none of the host's environment.
/// </summary>
public sealed class SandboxTests : IAsyncLifetime
{
    private readonly NodeSidecarRuntime _runtime = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _runtime.DisposeAsync();

    [Fact]
    public async Task ACallThatLoops_IsStoppedAtItsTimeLimit_AndThePluginKeepsServing()
    {
        var plugin = await LoadAsync(timeout: TimeSpan.FromMilliseconds(300), memory: 4 * 1024 * 1024);
        var clock = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<PluginCallException>(() => plugin.CallAsync("spin", ReadOnlyMemory<byte>.Empty, null, CancellationToken.None).AsTask());

        Assert.Equal(PluginFailure.Timeout, failure.Failure);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
        Assert.InRange(await PagesAfterGrowingAsync(plugin), 49, 64); // a fresh instance answers (4 MiB is 64 pages)
    }

    [Fact]
    public async Task Memory_IsCappedAtTheLimit()
    {
        var plugin = await LoadAsync(memory: 8 * 1024 * 1024);

        var pages = await PagesAfterGrowingAsync(plugin);

        Assert.InRange(pages, 100, 128); // 8 MiB is 128 pages of 64 KiB
    }

    [Fact]
    public async Task ATrap_EndsThatCallOnly()
    {
        var plugin = await LoadAsync();

        var failure = await Assert.ThrowsAsync<PluginCallException>(() => plugin.CallAsync("trap", ReadOnlyMemory<byte>.Empty, null, CancellationToken.None).AsTask());

        Assert.Equal(PluginFailure.Trap, failure.Failure);
        Assert.Contains("unreachable", failure.Message, StringComparison.OrdinalIgnoreCase);
        Assert.True(await PagesAfterGrowingAsync(plugin) > 1);
    }

    [Fact]
    public async Task ConcurrentCalls_RunInSeparateInstancesAtTheSameTime()
    {
        var plugin = await LoadAsync(instances: 2, timeout: TimeSpan.FromSeconds(20));
        await plugin.CallAsync("busy", ReadOnlyMemory<byte>.Empty, null, CancellationToken.None); // warm the first instance

        var calls = Enumerable.Range(0, 2).Select(async _ =>
        {
            var started = Stopwatch.GetTimestamp();
            var result = await plugin.CallAsync("busy", ReadOnlyMemory<byte>.Empty, null, CancellationToken.None);
            return (result.Instance!.Value.Id, Started: started, Ended: Stopwatch.GetTimestamp());
        }).ToList();
        var results = await Task.WhenAll(calls);

        Assert.NotEqual(results[0].Id, results[1].Id);
        Assert.True(results[0].Started < results[1].Ended && results[1].Started < results[0].Ended, "the two calls did not overlap");
    }

    [Fact]
    public async Task ASidecarThatDies_FailsTheCallsInFlight_AndIsRestartedForTheNext()
    {
        var plugin = await LoadAsync(timeout: TimeSpan.FromSeconds(30));
        var inFlight = plugin.CallAsync("spin", ReadOnlyMemory<byte>.Empty, null, CancellationToken.None).AsTask();
        await Task.Delay(300);

        Process.GetProcessById(_runtime.ProcessId!.Value).Kill();
        var failure = await Assert.ThrowsAsync<PluginCallException>(() => inFlight.WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(PluginFailure.RuntimeCrashed, failure.Failure);
        Assert.True(await PagesAfterGrowingAsync(plugin) > 1);
        Assert.Equal(2, _runtime.Generation);
    }

    [Fact]
    public async Task TheSidecar_SeesNoneOfTheHostsEnvironment()
    {
        Environment.SetEnvironmentVariable("LLMB_SANDBOX_TEST_SECRET", "do-not-leak-4711");
        await LoadAsync();

        var environment = await File.ReadAllTextAsync($"/proc/{_runtime.ProcessId}/environ");

        Assert.DoesNotContain("do-not-leak-4711", environment, StringComparison.Ordinal);
        Assert.DoesNotContain("LLMB_SANDBOX_TEST_SECRET", environment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInstancesHostMemory_IsGivenBackBetweenCalls_NotKeptForever()
    {
        // One instance, so every call lands on it; each call leaves an input and an output block behind until a reset.
        var plugin = await LoadAsync(instances: 1);
        var input = new byte[4096];
        var offsets = new List<long>();
        for (var call = 0; call < 120; call++)
        {
            var result = await plugin.CallAsync("next_block", input, null, CancellationToken.None);
            offsets.Add((long)BinaryPrimitives.ReadUInt64LittleEndian(result.Output.Span));
        }

        // Kept forever, every call's block would come after all the earlier ones; given back, later calls reuse the start.
        var early = offsets.Take(20).Max();
        Assert.True(offsets.Skip(100).Max() <= early, $"the blocks keep growing: call 20 at {early}, calls 100–120 up to {offsets.Skip(100).Max()}");
    }

    private static async Task<long> PagesAfterGrowingAsync(IPluginCarrier plugin)
    {
        var result = await plugin.CallAsync("grow", ReadOnlyMemory<byte>.Empty, null, CancellationToken.None);
        return (long)BinaryPrimitives.ReadUInt64LittleEndian(result.Output.Span);
    }

    private Task<IPluginCarrier> LoadAsync(TimeSpan? timeout = null, long memory = 64 * 1024 * 1024, int instances = 2) =>
        _runtime.LoadAsync(
            new WasmPluginLoadRequest { Key = "misbehaving", Path = WasmSamples.Misbehaving, CallTimeout = timeout ?? TimeSpan.FromSeconds(10), MemoryLimitBytes = memory, Instances = instances },
            CancellationToken.None);
}
