using Microsoft.Extensions.Logging;

namespace Mostlyucid.LlmBackend.Wasm.Runtime;

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
    /// Gets what sends the HTTP requests the plugin makes itself (QueryMT's <c>qmt_http_*</c>, Extism's
    /// <c>http_request</c>); <see langword="null"/> refuses them.
    /// </summary>
    public IPluginHttp? Http { get; init; }

    /// <summary>Gets where the plugin's own log lines go (by default the runtime's logger).</summary>
    public ILogger? Logger { get; init; }
}
