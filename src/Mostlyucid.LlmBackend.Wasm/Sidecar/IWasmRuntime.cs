using Mostlyucid.LlmBackend.Wasm.Carriers;

namespace Mostlyucid.LlmBackend.Wasm.Sidecar;

/// <summary>
/// Runs WebAssembly plugins. The one implementation here is a Node.js sidecar hosting the Extism JavaScript runtime,
/// since no .NET WebAssembly runtime is available from the package source; an in-process runtime can replace it behind
/// this interface.
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
