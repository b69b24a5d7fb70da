using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Mostlyucid.LlmBackend.Tests.TestSupport;
using Mostlyucid.LlmBackend.Wasm.Abi;
using Mostlyucid.LlmBackend.Wasm.Carriers;
using Mostlyucid.LlmBackend.Wasm.InProcess;
using Mostlyucid.LlmBackend.Wasm.Runtime;

namespace Mostlyucid.LlmBackend.Tests.Wasm;

/// <summary>
/// The sandbox's guarantees, each against a plugin that breaks it on purpose (Wasm/Plugins/misbehaving.wat): a time
/// limit per call that frees the thread, a memory cap, traps that end one call only, parallel instances, no environment,
/// no files, no HTTP but through the host, and modules compiled once.
/// </summary>
public sealed class SandboxTests : IAsyncLifetime
{
    private readonly WasmtimeRuntime _runtime = new();

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

        // On a loaded machine the second call may only reach the pool once the first has given its instance back (and
        // then rightly reuses it), so try a few times: a pool that runs calls one after another never shows two instances.
        for (var attempt = 1; ; attempt++)
        {
            var calls = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
            {
                var started = Stopwatch.GetTimestamp();
                var result = await plugin.CallAsync("busy", ReadOnlyMemory<byte>.Empty, null, CancellationToken.None);
                return (result.Instance!.Value.Id, Started: started, Ended: Stopwatch.GetTimestamp());
            })).ToList();
            var results = await Task.WhenAll(calls);

            if (results[0].Id != results[1].Id)
            {
                Assert.True(results[0].Started < results[1].Ended && results[1].Started < results[0].Ended, "the two calls did not overlap");
                return;
            }

            Assert.True(attempt < 5, $"in 5 tries the two calls always ran in the same instance ({results[0].Id})");
        }
    }

    [Fact]
    public async Task ALoopingCall_GivesItsThreadBack_AtItsTimeLimit_WhileOtherCallsKeepRunning()
    {
        var plugin = await LoadAsync(timeout: TimeSpan.FromMilliseconds(200), instances: 2);
        var looping = Task.Run(async () =>
        {
            var clock = Stopwatch.StartNew();
            var failure = await Assert.ThrowsAsync<PluginCallException>(() => plugin.CallAsync("spin", ReadOnlyMemory<byte>.Empty, null, CancellationToken.None).AsTask());
            return (failure.Failure, clock.Elapsed);
        });

        // Meanwhile the other instance answers.
        Assert.Equal(0, await CountAsync(plugin, "env_count"));
        var (failure, elapsed) = await looping.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(PluginFailure.Timeout, failure);
        Assert.InRange(elapsed, TimeSpan.FromMilliseconds(180), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task ManyCallers_PinnedAndNot_AllAnswered_WithinTheInstanceLimit()
    {
        var plugin = (WasmtimePluginCarrier)await LoadAsync(instances: 3);
        var pinned = (await plugin.CallAsync("env_count", ReadOnlyMemory<byte>.Empty, null, CancellationToken.None)).Instance;

        var callers = Enumerable.Range(0, 12).Select(caller => Task.Run(async () =>
        {
            for (var call = 0; call < 150; call++)
            {
                var target = caller % 3 == 0 ? pinned : null;
                var result = await plugin.CallAsync(call % 5 == 0 ? "next_block" : "env_count", ReadOnlyMemory<byte>.Empty, target, CancellationToken.None);
                Assert.Equal(8, result.Output.Length);
                if (target is not null)
                {
                    Assert.Equal(target, result.Instance);
                }
            }
        })).ToList();
        await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.InRange(plugin.InstanceCount, 1, 3);
    }

    [Fact]
    public async Task AnInstanceIdleLongerThanTheTimeLimit_StillAnswers()
    {
        var plugin = await LoadAsync(timeout: TimeSpan.FromMilliseconds(100), instances: 1);
        await plugin.CallAsync("env_count", ReadOnlyMemory<byte>.Empty, null, CancellationToken.None);

        await Task.Delay(300);

        Assert.Equal(0, await CountAsync(plugin, "env_count"));
    }

    [Fact]
    public async Task ThePlugin_SeesNoEnvironmentAndNoFiles()
    {
        Environment.SetEnvironmentVariable("LLMB_SANDBOX_TEST_SECRET", "do-not-leak-4711");
        var plugin = await LoadAsync();

        Assert.Equal(0, await CountAsync(plugin, "env_count"));
        Assert.Equal(0, await CountAsync(plugin, "preopen_count"));
    }

    [Fact]
    public async Task HttpThePluginAsksFor_GoesThroughTheHost_OrIsRefused()
    {
        var request = Encoding.UTF8.GetBytes("""{"req":{"head":{"method":"GET","uri":"https://evil.example/steal","headers":{},"version":"HTTP/1.1"},"body":[]}}""");
        var refusing = await LoadAsync();
        var refused = HttpWire.ParseResponse((await refusing.CallAsync("fetch", request, null, CancellationToken.None)).Output.Span);
        Assert.Equal(403, refused.Status);

        var http = new RecordingHttp();
        var plugin = await _runtime.LoadAsync(new WasmPluginLoadRequest { Key = "fetching", Path = WasmSamples.Misbehaving, Http = http }, CancellationToken.None);
        var answered = HttpWire.ParseResponse((await plugin.CallAsync("fetch", request, null, CancellationToken.None)).Output.Span);

        Assert.Equal(418, answered.Status);
        Assert.Equal("https://evil.example/steal", Assert.Single(http.Uris));
    }

    [Fact]
    public async Task AModule_IsCompiledOnce_ForEveryLoadOfTheSameFile()
    {
        await LoadAsync();
        await LoadAsync();

        Assert.Equal(1, _runtime.Compilations);
    }

    [Fact]
    public async Task AModuleImportingWhatTheHostLacks_IsRefused_NamingTheImports()
    {
        var path = Path.Combine(Path.GetTempPath(), $"llmb-unknown-import-{Guid.NewGuid():N}.wasm");
        await File.WriteAllBytesAsync(path, WatModule("""(module (import "env" "steal_keys" (func)) (func (export "name") (result i32) (i32.const 0)))"""));
        try
        {
            var failure = await Assert.ThrowsAsync<PluginCallException>(() => _runtime.LoadAsync(new WasmPluginLoadRequest { Key = "unknown", Path = path }, CancellationToken.None));

            Assert.Equal(PluginFailure.LoadFailed, failure.Failure);
            Assert.Contains("env::steal_keys", failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
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

    private static byte[] WatModule(string text)
    {
        return Wasmtime.Module.ConvertText(text);
    }

    private static async Task<long> CountAsync(IPluginCarrier plugin, string export)
    {
        var result = await plugin.CallAsync(export, ReadOnlyMemory<byte>.Empty, null, CancellationToken.None);
        return (long)BinaryPrimitives.ReadUInt64LittleEndian(result.Output.Span);
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

    /// <summary>Answers every request with 418 and remembers where it was going.</summary>
    private sealed class RecordingHttp : IPluginHttp
    {
        public List<string> Uris { get; } = new();

        public Task<byte[]> SendAsync(ReadOnlyMemory<byte> envelope, CancellationToken cancellationToken)
        {
            Uris.Add(HttpWire.ParseRequest(envelope).Uri.ToString());
            return Task.FromResult(Encoding.UTF8.GetBytes(HttpWire.ResponseEnvelope(418, new Dictionary<string, string>(), "teapot"u8)));
        }

        public Task<PluginHttpResponse> OpenStreamAsync(ReadOnlyMemory<byte> envelope, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("not used");
    }
}
