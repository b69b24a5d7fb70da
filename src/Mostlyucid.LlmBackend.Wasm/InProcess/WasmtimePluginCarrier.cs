using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Mostlyucid.LlmBackend.Wasm.Carriers;
using Wasmtime;

namespace Mostlyucid.LlmBackend.Wasm.InProcess;

/// <summary>
/// A WebAssembly plugin running in process on Wasmtime: a pool of sandboxed instances, each call run on the caller's
/// thread on a free instance (or the instance that holds the call's state).
/// </summary>
internal sealed class WasmtimePluginCarrier : IBatchPluginCarrier, IYieldingPluginCarrier
{
    private readonly InstancePool _pool;

    public WasmtimePluginCarrier(string path, Module module, InstancePool pool)
    {
        Path = path;
        _pool = pool;
        Exports = module.Exports.OfType<FunctionExport>().Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
    }

    public string Path { get; }

    public IReadOnlySet<string> Exports { get; }

    /// <summary>Gets how many instances are alive (for tests and diagnostics).</summary>
    internal int InstanceCount => _pool.Count;

    public async ValueTask<PluginCallResult> CallAsync(string function, ReadOnlyMemory<byte> input, PluginInstance? instance, CancellationToken cancellationToken)
    {
        var sandboxed = await _pool.AcquireAsync(instance, cancellationToken).ConfigureAwait(false);
        try
        {
            var output = sandboxed.Call(function, input.Span, cancellationToken);
            return new PluginCallResult(output, new PluginInstance(1, sandboxed.Id));
        }
        finally
        {
            _pool.Release(sandboxed);
        }
    }

    public async ValueTask<PluginBatchResult> CallEachAsync(IReadOnlyList<PluginCall> calls, PluginInstance? instance, CancellationToken cancellationToken)
    {
        SandboxedInstance sandboxed;
        try
        {
            sandboxed = await _pool.AcquireAsync(instance, cancellationToken).ConfigureAwait(false);
        }
        catch (PluginCallException ex)
        {
            return new PluginBatchResult(Array.Empty<ReadOnlyMemory<byte>>(), instance, ex);
        }

        var outputs = new List<ReadOnlyMemory<byte>>(calls.Count);
        try
        {
            foreach (var call in calls)
            {
                try
                {
                    outputs.Add(sandboxed.Call(call.Function, call.Input.Span, cancellationToken));
                }
                catch (PluginCallException ex)
                {
                    return new PluginBatchResult(outputs, new PluginInstance(1, sandboxed.Id), ex);
                }
            }

            return new PluginBatchResult(outputs, new PluginInstance(1, sandboxed.Id), null);
        }
        finally
        {
            _pool.Release(sandboxed);
        }
    }

    public async IAsyncEnumerable<ReadOnlyMemory<byte>> CallYieldingAsync(string function, ReadOnlyMemory<byte> input, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var sandboxed = await _pool.AcquireAsync(null, cancellationToken).ConfigureAwait(false);
        var chunks = Channel.CreateUnbounded<ReadOnlyMemory<byte>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        // The call blocks its thread while the plugin waits for its HTTP stream, so it runs on its own; its chunks cross
        // over through the channel as they are yielded.
        var run = Task.Run(
            () =>
            {
                try
                {
                    sandboxed.Host.YieldSink = chunk => chunks.Writer.TryWrite(chunk);
                    sandboxed.Call(function, input.Span, stop.Token);
                    chunks.Writer.TryComplete();
                }
                catch (PluginCallException ex)
                {
                    chunks.Writer.TryComplete(ex);
                }
                finally
                {
                    _pool.Release(sandboxed);
                }
            },
            CancellationToken.None);

        try
        {
            await foreach (var chunk in chunks.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return chunk;
            }
        }
        finally
        {
            // A reader that stops early ends the call: its HTTP sees the cancellation and the plugin returns.
            await stop.CancelAsync().ConfigureAwait(false);
            await run.ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync()
    {
        _pool.Dispose();
        return ValueTask.CompletedTask;
    }
}
