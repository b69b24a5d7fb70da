using Mostlyucid.LlmBackend.Wasm.Carriers;

namespace Mostlyucid.LlmBackend.Wasm.Runtime;

/// <summary>
/// Runs WebAssembly plugins. The implementation here is <see cref="InProcess.WasmtimeRuntime"/>, which runs them in
/// process on Wasmtime.
/// </summary>
public interface IWasmRuntime : IAsyncDisposable
{
    /// <summary>Loads a plugin module into the sandbox.</summary>
    /// <param name="request">What to load and its limits.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The loaded plugin.</returns>
    /// <exception cref="PluginCallException">The runtime is missing or the module cannot be loaded.</exception>
    Task<IPluginCarrier> LoadAsync(WasmPluginLoadRequest request, CancellationToken cancellationToken);
}
