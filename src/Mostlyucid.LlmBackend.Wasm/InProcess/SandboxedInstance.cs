using System.Diagnostics;
using Mostlyucid.LlmBackend.Wasm.Carriers;
using Wasmtime;

namespace Mostlyucid.LlmBackend.Wasm.InProcess;

/// <summary>
/// One running instance of a plugin: its own Wasmtime store (memory cap, time limit, empty WASI), an Extism kernel and
/// the plugin module linked to it. Runs one call at a time (<see cref="Gate"/>); a call that traps or runs out of time
/// marks it <see cref="Discarded"/>, since nothing it holds can be trusted after that.
/// </summary>
internal sealed class SandboxedInstance : IDisposable
{
    private readonly Store _store;
    private readonly Instance _plugin;
    private readonly ulong _deadlineTicks;
    private readonly TimeSpan _timeout;
    private readonly Dictionary<string, Func<int>?> _exports = new(StringComparer.Ordinal);

    private SandboxedInstance(int id, Store store, Instance plugin, HostContext host, ulong deadlineTicks, TimeSpan timeout)
    {
        Id = id;
        _store = store;
        _plugin = plugin;
        Host = host;
        _deadlineTicks = deadlineTicks;
        _timeout = timeout;
    }

    /// <summary>Gets the instance's id within its plugin.</summary>
    public int Id { get; }

    /// <summary>Gets the lock a call holds while it runs on this instance.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Gets a value indicating whether the instance was thrown away after a trap or a timeout.</summary>
    public bool Discarded { get; private set; }

    /// <summary>Gets what the host functions know of this instance and its current call.</summary>
    public HostContext Host { get; }

    /// <summary>Creates an instance: a store with the plugin's limits, the kernel, the plugin, and its WASI initialiser run once.</summary>
    /// <exception cref="PluginCallException">The module cannot be instantiated within the limits.</exception>
    public static SandboxedInstance Create(int id, SandboxModules modules, PluginSandboxOptions options, HostContext host)
    {
        var store = new Store(modules.Engine, host);
        try
        {
            store.SetLimits(memorySize: options.MemoryLimitBytes, tableElements: 100_000, instances: 4, tables: 8, memories: 4);

            // WASI with nothing granted: no files, no environment, no arguments, no clock beyond WASI's own.
            store.SetWasiConfiguration(new WasiConfiguration());
            var ticks = options.DeadlineTicks;
            store.SetEpochDeadline(ticks);
            var kernel = modules.Linker.Instantiate(store, modules.Kernel);
            host.Kernel = new ExtismKernel(kernel);
            host.Store = store;
            host.DeadlineTicks = ticks;

            using var linker = modules.Linker.Clone();
            linker.DefineInstance(store, SandboxModules.KernelModuleName, kernel);
            var plugin = linker.Instantiate(store, modules.Plugin);
            var instance = new SandboxedInstance(id, store, plugin, host, ticks, options.CallTimeout);
            if (plugin.GetAction("_initialize") is { } initialize)
            {
                store.SetEpochDeadline(ticks);
                initialize();
            }

            return instance;
        }
        catch (Exception ex) when (ex is WasmtimeException or TrapException)
        {
            store.Dispose();
            throw new PluginCallException(PluginFailure.LoadFailed, $"the module could not start in the sandbox: {FirstLine(ex.Message)}");
        }
    }

    /// <summary>Runs one export with <paramref name="input"/> and returns a copy of its output.</summary>
    /// <exception cref="PluginCallException">The plugin reported an error, trapped, or ran out of time.</exception>
    public byte[] Call(string function, ReadOnlySpan<byte> input, CancellationToken cancellationToken)
    {
        var export = Export(function);
        var started = Stopwatch.GetTimestamp();
        Host.BeginCall(cancellationToken);
        try
        {
            // The deadline first: the kernel's own functions run under it too, and the last one passed while idle.
            _store.SetEpochDeadline(_deadlineTicks);
            Host.Kernel.Reset();
            Host.Kernel.SetInput(input);
            var code = export();
            if (code != 0)
            {
                var error = Host.Kernel.Error();
                throw new PluginCallException(PluginFailure.PluginError, error ?? $"{function} returned error code {code} without an error message");
            }

            return Host.Kernel.Output();
        }
        catch (TrapException ex) when (ex.Type == TrapCode.Interrupt || Stopwatch.GetElapsedTime(started) >= _timeout)
        {
            Discarded = true;
            throw new PluginCallException(PluginFailure.Timeout, $"{function} did not return within {_timeout.TotalMilliseconds:0} ms; the plugin instance was stopped");
        }
        catch (TrapException ex)
        {
            Discarded = true;
            throw new PluginCallException(PluginFailure.Trap, $"{function} trapped: {TrapReason(ex.Message)}");
        }
        catch (WasmtimeException ex)
        {
            // Wasmtime reports some interrupts without a trap code.
            Discarded = true;
            var timedOut = Stopwatch.GetElapsedTime(started) >= _timeout;
            throw new PluginCallException(
                timedOut ? PluginFailure.Timeout : PluginFailure.Trap,
                timedOut ? $"{function} did not return within {_timeout.TotalMilliseconds:0} ms; the plugin instance was stopped" : $"{function} trapped: {TrapReason(ex.Message)}");
        }
        catch (InvalidOperationException ex)
        {
            // The plugin pointed its output outside its memory.
            Discarded = true;
            throw new PluginCallException(PluginFailure.Trap, $"{function}: {ex.Message}");
        }
        finally
        {
            Host.EndCall();
        }
    }

    public void Dispose()
    {
        Discarded = true;
        Host.Dispose();
        _store.Dispose();
    }

    /// <summary>The trap's reason from Wasmtime's message (which opens with a backtrace), or a host function's own words.</summary>
    private static string TrapReason(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var reason = lines.LastOrDefault(l => l.Contains("wasm trap:", StringComparison.Ordinal)) ?? lines.LastOrDefault() ?? message;
        var colon = reason.IndexOf(": ", StringComparison.Ordinal);
        return reason.StartsWith("0:", StringComparison.Ordinal) || reason.StartsWith("1:", StringComparison.Ordinal) ? reason[(colon + 2)..] : reason;
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOf('\n', StringComparison.Ordinal);
        return (end < 0 ? message : message[..end]).Trim();
    }

    private Func<int> Export(string function)
    {
        if (!_exports.TryGetValue(function, out var export))
        {
            export = _plugin.GetFunction<int>(function);
            _exports[function] = export;
        }

        return export ?? throw new PluginCallException(
            PluginFailure.PluginError,
            _plugin.GetFunction(function) is null
                ? $"the plugin does not export {function}"
                : $"the plugin's {function} has the wrong signature: Extism exports take no parameters and return an i32");
    }
}
