using Mostlyucid.LlmBackend.Wasm.Runtime;
using Wasmtime;

namespace Mostlyucid.LlmBackend.Wasm.InProcess;

/// <summary>
/// The state host functions see for one plugin instance (a store's data): its kernel, its Extism variables, the call in
/// progress (its cancellation, where yielded chunks go) and the HTTP streams the plugin opened.
/// </summary>
internal sealed class HostContext : IDisposable
{
    /// <summary>The most bytes an instance may keep in Extism variables.</summary>
    public const int MaxVariableBytes = 1024 * 1024;

    private readonly Dictionary<long, PluginHttpResponse> _streams = new();
    private long _nextStreamId = 1;

    public HostContext(PluginHost plugin) => Plugin = plugin;

    /// <summary>Gets the plugin this instance belongs to.</summary>
    public PluginHost Plugin { get; }

    /// <summary>Gets or sets the instance's kernel.</summary>
    public ExtismKernel Kernel { get; set; } = null!;

    /// <summary>Gets or sets the instance's store.</summary>
    public Store Store { get; set; } = null!;

    /// <summary>Gets or sets the call time limit in epoch ticks.</summary>
    public ulong DeadlineTicks { get; set; }

    /// <summary>Gets Extism's variables (they live as long as the instance).</summary>
    public Dictionary<string, byte[]> Variables { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets the status of the last response to Extism's <c>http_request</c>.</summary>
    public int LastHttpStatus { get; set; }

    /// <summary>Gets or sets the headers of the last response to Extism's <c>http_request</c>, as JSON.</summary>
    public byte[]? LastHttpHeaders { get; set; }

    /// <summary>Gets the cancellation of the call in progress.</summary>
    public CancellationToken CallCancellation { get; private set; }

    /// <summary>Gets or sets where chunks the plugin yields (<c>qmt_yield_chunk</c>) go during the call; null drops them.</summary>
    public Action<byte[]>? YieldSink { get; set; }

    /// <summary>Starts a call.</summary>
    public void BeginCall(CancellationToken cancellationToken) => CallCancellation = cancellationToken;

    /// <summary>Ends a call: streams it left open are closed.</summary>
    public void EndCall()
    {
        CallCancellation = CancellationToken.None;
        YieldSink = null;
        CloseStreams();
    }

    /// <summary>Starts the call's time limit again (after a host function waited, for HTTP).</summary>
    public void RestartClock() => Store.SetEpochDeadline(DeadlineTicks);

    /// <summary>Keeps an open stream and returns its id.</summary>
    public long AddStream(PluginHttpResponse stream)
    {
        var id = _nextStreamId++;
        _streams[id] = stream;
        return id;
    }

    /// <summary>Finds an open stream.</summary>
    public PluginHttpResponse? Stream(long id) => _streams.GetValueOrDefault(id);

    /// <summary>Closes a stream (unknown ids are ignored).</summary>
    public void CloseStream(long id)
    {
        if (_streams.Remove(id, out var stream))
        {
            stream.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    public void Dispose() => CloseStreams();

    private void CloseStreams()
    {
        foreach (var id in _streams.Keys.ToList())
        {
            CloseStream(id);
        }
    }
}
