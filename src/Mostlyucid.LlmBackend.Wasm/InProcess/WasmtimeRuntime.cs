using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mostlyucid.LlmBackend.Wasm.Carriers;
using Mostlyucid.LlmBackend.Wasm.Runtime;
using Wasmtime;

namespace Mostlyucid.LlmBackend.Wasm.InProcess;

/// <summary>
/// Runs WebAssembly plugins in process on Wasmtime. One engine per runtime (one per process in an application); each
/// plugin is a compiled module (cached), and each of its instances has its own store with a memory cap, a time limit
/// enforced by epoch interruption, WASI with nothing granted, and its own Extism kernel. A trap or timeout ends that call
/// only: its instance is thrown away and the next call gets a fresh one.
/// </summary>
public sealed class WasmtimeRuntime : IWasmRuntime, IDisposable
{
    private readonly Engine _engine;
    private readonly Module _kernel;
    private readonly Linker _linker;
    private readonly CompiledModuleCache _modules;
    private readonly EpochTicker _ticker;
    private readonly ILogger _logger;
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="WasmtimeRuntime"/> class.</summary>
    /// <param name="logger">Where plugins' own log lines go when a load request names no logger.</param>
    public WasmtimeRuntime(ILogger? logger = null)
    {
        _logger = logger ?? NullLogger.Instance;
        using var config = new Config().WithEpochInterruption(true);
        if (OperatingSystem.IsWindows())
        {
            // Windows' control-flow enforcement breaks signal-based traps.
            config.WithSignalsBasedTraps(false);
        }

        _engine = new Engine(config);
        _kernel = Module.FromText(_engine, "extism-kernel", KernelText());
        _linker = new Linker(_engine);
        _linker.DefineWasi();
        HostFunctions.Define(_linker);
        _modules = new CompiledModuleCache(_engine);
        _ticker = new EpochTicker(_engine);
    }

    /// <summary>Gets how many plugin modules this runtime has compiled (loads of an unchanged file reuse the first).</summary>
    public int Compilations => _modules.Compilations;

    /// <inheritdoc />
    public Task<IPluginCarrier> LoadAsync(WasmPluginLoadRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_disposed, this);
        Module module;
        try
        {
            module = _modules.Get(request.Path);
        }
        catch (WasmtimeException ex)
        {
            throw new PluginCallException(PluginFailure.LoadFailed, $"{request.Path} is not a valid WebAssembly module: {ex.Message.Split('\n')[0].Trim()}");
        }
        catch (IOException ex)
        {
            throw new PluginCallException(PluginFailure.LoadFailed, $"{request.Path} could not be read: {ex.Message}");
        }

        var unknown = HostFunctions.UnknownImports(module);
        if (unknown.Count > 0)
        {
            throw new PluginCallException(PluginFailure.LoadFailed, $"{request.Path} imports {string.Join(", ", unknown)}, which this host does not provide (it provides Extism's kernel and runtime functions, QueryMT's qmt_* host functions and an empty WASI).");
        }

        var modules = new SandboxModules(_engine, _linker, _kernel, module);
        var options = new PluginSandboxOptions
        {
            CallTimeout = request.CallTimeout,
            MemoryLimitBytes = request.MemoryLimitBytes,
            Instances = request.Instances,
        };
        var host = new PluginHost(request.Key, request.Logger ?? _logger, request.Http);
        var first = SandboxedInstance.Create(1, modules, options, new HostContext(host));
        var pool = new InstancePool(id => SandboxedInstance.Create(id, modules, options, new HostContext(host)), options.Instances, first);
        return Task.FromResult<IPluginCarrier>(new WasmtimePluginCarrier(request.Path, module, pool));
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _ticker.Dispose();
        _modules.Dispose();
        _linker.Dispose();
        _kernel.Dispose();
        _engine.Dispose();
    }

    private static string KernelText()
    {
        using var stream = typeof(WasmtimeRuntime).Assembly.GetManifestResourceStream("Mostlyucid.LlmBackend.Wasm.extism-kernel.wat")
            ?? throw new InvalidOperationException("The Extism kernel (extism-kernel.wat) is missing from the assembly's resources; the package is damaged.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
