using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Providers;
using Mostlyucid.LlmBackend.Wasm.Backend;
using Mostlyucid.LlmBackend.Wasm.Runtime;

namespace Mostlyucid.LlmBackend.Wasm;

/// <summary>
/// Provides the backend types <c>Wasm</c> (an Extism plugin of QueryMT's ABI, run in the sandbox) and <c>Native</c> (a
/// shared library exchanging the same JSON). Registered by <see cref="WasmServiceCollectionExtensions.AddLlmBackendWasm"/>.
/// </summary>
public sealed class WasmBackendPlugin : ILlmBackendPlugin
{
    /// <summary>The backend type of WebAssembly plugins.</summary>
    public const string WasmType = "Wasm";

    /// <summary>The backend type of native plugins.</summary>
    public const string NativeType = "Native";

    private readonly IServiceProvider _services;

    /// <summary>Initializes a new instance of the <see cref="WasmBackendPlugin"/> class.</summary>
    /// <param name="services">Where the settings, the runtime and the clock come from (resolved when a backend is created).</param>
    public WasmBackendPlugin(IServiceProvider services) => _services = services;

    /// <inheritdoc />
    public string PluginId => "mostlylucid.llmbackend.wasm";

    /// <inheritdoc />
    public string PluginName => "WebAssembly and native provider plugins";

    /// <inheritdoc />
    public string Version => typeof(WasmBackendPlugin).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    /// <inheritdoc />
    public string Author => "Mostlyucid LlmBackend contributors";

    /// <inheritdoc />
    public string Description => "Hosts QueryMT's Extism plugin ABI (sandboxed in process on Wasmtime) and native C-ABI plugins.";

    /// <inheritdoc />
    public IEnumerable<string> SupportedBackendTypes => new[] { WasmType, NativeType };

    /// <inheritdoc />
    public ILlmBackend CreateBackend(string backendType, LlmBackendConfig config, ILoggerFactory loggerFactory, IHttpClientFactory httpClientFactory)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        var settings = _services.GetRequiredService<IOptions<LlmSettings>>().Value;
        var roots = PluginSearchRoots.For(_services);
        var factory = new PluginBackendFactory(() => _services.GetRequiredService<IWasmRuntime>(), settings.Sandbox, _services.GetRequiredService<TimeProvider>(), roots);
        var native = string.Equals(backendType, NativeType, StringComparison.OrdinalIgnoreCase);

        // Backends are created synchronously by the registry; loading is asynchronous, so wait for it off the caller's context.
        return Task.Run(() => factory.CreateAsync(config, native, loggerFactory.CreateLogger($"Mostlyucid.LlmBackend.Wasm.{config.Name}"), httpClientFactory.CreateClient(BuiltInProvidersPlugin.HttpClientName), CancellationToken.None))
            .GetAwaiter()
            .GetResult();
    }

    /// <inheritdoc />
    public bool Validate() => true;
}
