using Mostlyucid.LlmBackend.Wasm.Carriers;

namespace Mostlyucid.LlmBackend.Wasm.Sidecar;

/// <summary>A WebAssembly plugin loaded into the sidecar.</summary>
internal sealed class WasmPluginCarrier : IBatchPluginCarrier
{
    private readonly NodeSidecarRuntime _runtime;
    private readonly string _key;

    public WasmPluginCarrier(NodeSidecarRuntime runtime, WasmPluginLoadRequest request, IReadOnlySet<string> exports)
    {
        _runtime = runtime;
        _key = request.Key;
        Path = request.Path;
        Exports = exports;
    }

    public string Path { get; }

    public IReadOnlySet<string> Exports { get; }

    public ValueTask<PluginCallResult> CallAsync(string function, ReadOnlyMemory<byte> input, PluginInstance? instance, CancellationToken cancellationToken) =>
        _runtime.CallAsync(_key, function, input, instance, cancellationToken);

    public ValueTask<PluginBatchResult> CallEachAsync(IReadOnlyList<PluginCall> calls, PluginInstance? instance, CancellationToken cancellationToken) =>
        _runtime.CallEachAsync(_key, calls, instance, cancellationToken);

    public async ValueTask DisposeAsync() => await _runtime.UnloadAsync(_key).ConfigureAwait(false);
}
