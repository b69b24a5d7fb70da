using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Wasm.ProvidersFiles;
using Mostlyucid.LlmBackend.Wasm.InProcess;
using Mostlyucid.LlmBackend.Wasm.Runtime;

namespace Mostlyucid.LlmBackend.Wasm;

/// <summary>Adds WebAssembly and native plugin backends to the library.</summary>
public static class WasmServiceCollectionExtensions
{
    /// <summary>
    /// Makes the backend types <c>Wasm</c> and <c>Native</c> available. Call it next to <c>AddLlmBackend</c>. WebAssembly
    /// plugins run in process on Wasmtime (its engine starts with the first Wasm backend). Also reads the QueryMT
    /// providers file named by <c>LlmSettings:Plugins:ProvidersFile</c> (TOML, JSON or YAML).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddLlmBackendWasm(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IWasmRuntime>(sp => new WasmtimeRuntime(sp.GetService<ILoggerFactory>()?.CreateLogger<WasmtimeRuntime>()));
        services.AddSingleton<ILlmBackendPlugin, WasmBackendPlugin>();
        services.TryAddSingleton<IProvidersFileReader>(sp => new ProvidersFileReader(PluginSearchRoots.For(sp)));
        return services;
    }
}
