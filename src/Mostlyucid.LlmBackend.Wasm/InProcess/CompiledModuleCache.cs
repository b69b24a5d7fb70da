using System.Collections.Concurrent;
using Wasmtime;

namespace Mostlyucid.LlmBackend.Wasm.InProcess;

/// <summary>
/// Compiled plugin modules, by file and version: compiling a module takes tens to hundreds of milliseconds, so a plugin
/// file that several backends load, or that is loaded again after a reload, is compiled once. A changed file (size or
/// time) is compiled again.
/// </summary>
internal sealed class CompiledModuleCache : IDisposable
{
    private readonly Engine _engine;
    private readonly ConcurrentDictionary<(string Path, long Length, DateTime Written), Lazy<Module>> _modules = new();

    public CompiledModuleCache(Engine engine) => _engine = engine;

    /// <summary>Gets how many modules have been compiled (for tests).</summary>
    public int Compilations { get; private set; }

    /// <summary>Gets the compiled module of a file.</summary>
    /// <exception cref="WasmtimeException">The file is not a valid WebAssembly module.</exception>
    public Module Get(string path)
    {
        var file = new FileInfo(path);
        var key = (file.FullName, file.Length, file.LastWriteTimeUtc);
        var entry = _modules.GetOrAdd(key, k => new Lazy<Module>(() => Compile(k.Path), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return entry.Value;
        }
        catch
        {
            // A file that failed to compile is tried again next time (it may be fixed by then).
            _modules.TryRemove(new KeyValuePair<(string, long, DateTime), Lazy<Module>>(key, entry));
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var entry in _modules.Values.Where(e => e.IsValueCreated))
        {
            entry.Value.Dispose();
        }

        _modules.Clear();
    }

    private Module Compile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var module = Module.FromBytes(_engine, System.IO.Path.GetFileName(path), bytes);
        Compilations++;
        return module;
    }
}
