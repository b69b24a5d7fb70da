using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Mostlyucid.LlmBackend.Wasm.Carriers;

namespace Mostlyucid.LlmBackend.Wasm.Native;

/// <summary>
/// A native plugin: a shared library exporting the C functions of the native carrier (see docs/plugins/wasm.md) that
/// exchange the same JSON as the WebAssembly exports. Trusted and in-process: no sandbox, no time limit — use it for
/// code you would link into the host anyway.
/// </summary>
internal sealed unsafe class NativePluginCarrier : IPluginCarrier
{
    /// <summary>The carrier ABI version this host speaks.</summary>
    public const uint AbiVersion = 1;

    private static readonly string[] CarrierFunctions = { "llmb_plugin_abi_version", "llmb_plugin_exports", "llmb_plugin_call", "llmb_plugin_free" };

    private readonly nint _library;
    private readonly delegate* unmanaged<byte*, byte*, nuint, byte**, nuint*, int> _call;
    private readonly delegate* unmanaged<byte*, nuint, void> _free;
    private int _disposed;

    private NativePluginCarrier(string path, nint library, IReadOnlySet<string> exports, nint call, nint free)
    {
        Path = path;
        _library = library;
        Exports = exports;
        _call = (delegate* unmanaged<byte*, byte*, nuint, byte**, nuint*, int>)call;
        _free = (delegate* unmanaged<byte*, nuint, void>)free;
    }

    public string Path { get; }

    public IReadOnlySet<string> Exports { get; }

    /// <summary>Loads a native plugin and checks its version handshake and exports.</summary>
    /// <exception cref="PluginCallException">The library cannot be loaded, lacks a carrier function, or speaks another version.</exception>
    public static NativePluginCarrier Load(string path)
    {
        nint library;
        try
        {
            library = NativeLibrary.Load(path);
        }
        catch (Exception ex) when (ex is DllNotFoundException or BadImageFormatException)
        {
            throw new PluginCallException(PluginFailure.LoadFailed, $"{path} could not be loaded as a native library: {ex.Message}");
        }

        try
        {
            var missing = CarrierFunctions
                .Where(name => !NativeLibrary.TryGetExport(library, name, out _))
                .ToList();
            if (missing.Count > 0)
            {
                throw new PluginCallException(PluginFailure.LoadFailed, $"{path} is not a native LlmBackend plugin: it does not export {string.Join(", ", missing)}.");
            }

            var version = ((delegate* unmanaged<uint>)NativeLibrary.GetExport(library, "llmb_plugin_abi_version"))();
            if (version != AbiVersion)
            {
                throw new PluginCallException(PluginFailure.LoadFailed, $"{path} speaks native plugin ABI version {version}, and this host speaks version {AbiVersion}: rebuild the plugin against version {AbiVersion}.");
            }

            var exportsText = Marshal.PtrToStringUTF8(((delegate* unmanaged<nint>)NativeLibrary.GetExport(library, "llmb_plugin_exports"))()) ?? "[]";
            HashSet<string> exports;
            try
            {
                exports = JsonSerializer.Deserialize(exportsText, Abi.WasmJsonContext.Default.ListString)?.ToHashSet(StringComparer.Ordinal) ?? new HashSet<string>();
            }
            catch (JsonException ex)
            {
                throw new PluginCallException(PluginFailure.LoadFailed, $"{path}: llmb_plugin_exports returned something other than a JSON array of names ({ex.Message}).");
            }

            return new NativePluginCarrier(path, library, exports, NativeLibrary.GetExport(library, "llmb_plugin_call"), NativeLibrary.GetExport(library, "llmb_plugin_free"));
        }
        catch
        {
            NativeLibrary.Free(library);
            throw;
        }
    }

    public ValueTask<PluginCallResult> CallAsync(string function, ReadOnlyMemory<byte> input, PluginInstance? instance, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var name = Encoding.UTF8.GetBytes(function + "\0");
        byte* output = null;
        nuint outputLength = 0;
        int status;
        fixed (byte* namePointer = name)
        fixed (byte* inputPointer = input.Span)
        {
            status = _call(namePointer, inputPointer, (nuint)input.Length, &output, &outputLength);
        }

        byte[] bytes;
        try
        {
            bytes = output is null ? Array.Empty<byte>() : new ReadOnlySpan<byte>(output, checked((int)outputLength)).ToArray();
        }
        finally
        {
            if (output is not null)
            {
                _free(output, outputLength);
            }
        }

        if (status != 0)
        {
            throw new PluginCallException(PluginFailure.PluginError, Encoding.UTF8.GetString(bytes));
        }

        // One process-wide instance: state such as stream parsers is shared by every call.
        return ValueTask.FromResult(new PluginCallResult(bytes, new PluginInstance(0, 0)));
    }

    public ValueTask DisposeAsync()
    {
        // The library stays mapped: a native library cannot be unloaded safely while a call may still be running in it,
        // and reloading the same path returns the same handle anyway.
        Interlocked.Exchange(ref _disposed, 1);
        return ValueTask.CompletedTask;
    }
}
