namespace Mostlyucid.LlmBackend.Wasm.Sidecar;

/// <summary>A WebAssembly plugin to load, and the limits it runs under.</summary>
public sealed record WasmPluginLoadRequest
{
    /// <summary>Gets the key that names this plugin in the runtime (unique per backend).</summary>
    public required string Key { get; init; }

    /// <summary>Gets the full path of the <c>.wasm</c> file.</summary>
    public required string Path { get; init; }

    /// <summary>Gets how many instances may run calls at once.</summary>
    public int Instances { get; init; } = 4;

    /// <summary>Gets the time limit of one call.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets the most linear memory one instance may use, in bytes.</summary>
    public long MemoryLimitBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// Gets what answers HTTP requests the plugin makes itself (QueryMT's <c>qmt_http_request</c>): given the request
    /// envelope's JSON, it returns the response envelope's JSON. <see langword="null"/> refuses them.
    /// </summary>
    public Func<ReadOnlyMemory<byte>, CancellationToken, Task<byte[]>>? HttpHandler { get; init; }
}
