namespace Mostlyucid.LlmBackend.Wasm.Carriers;

/// <summary>
/// One loaded plugin, whatever carries it (a WebAssembly module in the sandbox, or a native shared library): a set of
/// functions taking and returning the plugin ABI's JSON.
/// </summary>
public interface IPluginCarrier : IAsyncDisposable
{
    /// <summary>Gets the plugin file, for messages.</summary>
    string Path { get; }

    /// <summary>Gets the functions the plugin exports.</summary>
    IReadOnlySet<string> Exports { get; }

    /// <summary>Calls one of the plugin's functions.</summary>
    /// <param name="function">The function's name.</param>
    /// <param name="input">Its input.</param>
    /// <param name="instance">
    /// The instance that must run the call (state such as a stream parser lives in one instance), or
    /// <see langword="null"/> for any free one.
    /// </param>
    /// <param name="cancellationToken">Cancels the wait for the answer.</param>
    /// <returns>The output and the instance that produced it.</returns>
    /// <exception cref="PluginCallException">The plugin reported an error, or the sandbox stopped the call.</exception>
    ValueTask<PluginCallResult> CallAsync(string function, ReadOnlyMemory<byte> input, PluginInstance? instance, CancellationToken cancellationToken);
}
