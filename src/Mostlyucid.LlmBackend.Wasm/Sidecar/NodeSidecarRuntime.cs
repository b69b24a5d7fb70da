using System.Buffers;
using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mostlyucid.LlmBackend.Wasm.Carriers;

namespace Mostlyucid.LlmBackend.Wasm.Sidecar;

/// <summary>
/// Runs WebAssembly plugins in one long-lived Node.js process hosting <c>@extism/extism</c> (<c>sidecar/sidecar.mjs</c>),
/// over framed messages on its stdin and stdout. Calls carry ids, so many are in flight at once; the sidecar runs each
/// plugin as a pool of worker-thread instances. When the sidecar dies, the calls in flight fail with
/// <see cref="PluginFailure.RuntimeCrashed"/> (their requests fail over) and the next call starts a new sidecar and loads
/// every plugin into it again.
/// </summary>
/// <remarks>
/// The sidecar is started with an empty environment: nothing of the host's environment (API keys included) is visible
/// to it, let alone to the plugins, which also get no files, no network and no Extism config of their own.
/// </remarks>
public sealed class NodeSidecarRuntime : IWasmRuntime, IDisposable
{
    private const int MinimumNodeMajorVersion = 20;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly string _nodePath;
    private readonly string _sidecarDirectory;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _startGate = new(1, 1);
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<SidecarFrame>> _pending = new();
    private readonly ConcurrentDictionary<string, WasmPluginLoadRequest> _plugins = new(StringComparer.Ordinal);
    private Process? _process;
    private Stream? _stdin;
    private TaskCompletionSource<SidecarFrame>? _ready;
    private int _generation;
    private uint _nextId;
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="NodeSidecarRuntime"/> class.</summary>
    /// <param name="nodePath">The Node.js executable (a name on PATH, or a path).</param>
    /// <param name="sidecarDirectory">The folder holding <c>sidecar.mjs</c> and its <c>node_modules</c>; by default the <c>wasm-sidecar</c> folder next to this assembly.</param>
    /// <param name="logger">The logger.</param>
    public NodeSidecarRuntime(string nodePath = "node", string? sidecarDirectory = null, ILogger? logger = null)
    {
        _nodePath = nodePath;
        _sidecarDirectory = sidecarDirectory ?? Path.Combine(AppContext.BaseDirectory, "wasm-sidecar");
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Gets the sidecar's process id while it runs (for diagnostics and tests).</summary>
    public int? ProcessId => _process is { } process && !HasExited(process) ? process.Id : null;

    /// <summary>Gets how many times the sidecar has been started.</summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <inheritdoc />
    public async Task<IPluginCarrier> LoadAsync(WasmPluginLoadRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        var description = await LoadIntoSidecarAsync(request, cancellationToken).ConfigureAwait(false);
        _plugins[request.Key] = request;
        var exports = description.GetProperty("exports").EnumerateArray().Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal);
        return new WasmPluginCarrier(this, request, exports);
    }

    /// <summary>Calls a function of a loaded plugin.</summary>
    internal async ValueTask<PluginCallResult> CallAsync(string key, string function, ReadOnlyMemory<byte> input, PluginInstance? instance, CancellationToken cancellationToken)
    {
        var generation = await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        if (instance is { } pinned && pinned.Generation != generation)
        {
            throw new PluginCallException(PluginFailure.InstanceLost, "The plugin runtime was restarted after a failure, and the state this call needed (for example a stream parser) went with it.");
        }

        var header = Header(writer =>
        {
            writer.WriteString("plugin", key);
            writer.WriteString("function", function);
            if (instance is { } target)
            {
                writer.WriteNumber("instance", target.Id);
            }
        });

        var reply = await RequestAsync(SidecarFrameKind.Call, header, input, cancellationToken).ConfigureAwait(false);
        var id = reply.Header.TryGetProperty("instance", out var value) ? value.GetInt32() : 0;
        return new PluginCallResult(reply.Body, new PluginInstance(generation, id));
    }

    /// <summary>
    /// Runs several calls of a loaded plugin one after another on one instance, in one frame each way. A failure to reach
    /// the plugin at all (the runtime restarted, the pinned instance gone) is the failure of the first call.
    /// </summary>
    internal async ValueTask<PluginBatchResult> CallEachAsync(string key, IReadOnlyList<PluginCall> calls, PluginInstance? instance, CancellationToken cancellationToken)
    {
        var generation = await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        if (instance is { } pinned && pinned.Generation != generation)
        {
            return new PluginBatchResult(Array.Empty<ReadOnlyMemory<byte>>(), instance, new PluginCallException(PluginFailure.InstanceLost, "The plugin runtime was restarted after a failure, and the state this call needed (for example a stream parser) went with it."));
        }

        var header = Header(writer =>
        {
            writer.WriteString("plugin", key);
            writer.WriteStartArray("calls");
            foreach (var call in calls)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(call.Function);
                writer.WriteNumberValue(call.Input.Length);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            if (instance is { } target)
            {
                writer.WriteNumber("instance", target.Id);
            }
        });

        var body = new byte[calls.Sum(c => c.Input.Length)];
        var offset = 0;
        foreach (var call in calls)
        {
            call.Input.Span.CopyTo(body.AsSpan(offset));
            offset += call.Input.Length;
        }

        SidecarFrame reply;
        try
        {
            reply = await RequestAsync(SidecarFrameKind.Call, header, body, cancellationToken).ConfigureAwait(false);
        }
        catch (PluginCallException ex)
        {
            return new PluginBatchResult(Array.Empty<ReadOnlyMemory<byte>>(), instance, ex);
        }

        var outputs = new List<ReadOnlyMemory<byte>>(calls.Count);
        var start = 0;
        foreach (var length in reply.Header.GetProperty("lengths").EnumerateArray())
        {
            var size = length.GetInt32();
            outputs.Add(reply.Body.Slice(start, size));
            start += size;
        }

        var id = reply.Header.TryGetProperty("instance", out var value) ? value.GetInt32() : 0;
        var failure = reply.Header.TryGetProperty("error", out var error) ? ToException(error) : null;
        return new PluginBatchResult(outputs, new PluginInstance(generation, id), failure);
    }

    /// <summary>Unloads a plugin.</summary>
    internal async Task UnloadAsync(string key)
    {
        if (!_plugins.TryRemove(key, out _) || _process is null || _disposed)
        {
            return;
        }

        try
        {
            await RequestAsync(SidecarFrameKind.Unload, Header(w => w.WriteString("plugin", key)), ReadOnlyMemory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
        }
        catch (PluginCallException)
        {
            // A sidecar that is gone has nothing left to unload.
        }
    }

    /// <summary>Stops the sidecar (closing its input lets it shut its plugins down; it is killed if it does not exit).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        var process = _process;
        _process = null;
        if (process is not null)
        {
            try
            {
                _stdin?.Dispose();
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
            finally
            {
                process.Dispose();
            }
        }

        FailPending(PluginFailure.HostError, "The plugin runtime was shut down.");
        _startGate.Dispose();
        _writeGate.Dispose();
    }

    private static bool HasExited(Process process)
    {
        try
        {
            return process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    private static byte[] Header(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private async Task<int> EnsureStartedAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_process is { } running && !HasExited(running))
        {
            return Volatile.Read(ref _generation);
        }

        await _startGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_process is { } started && !HasExited(started))
            {
                return Volatile.Read(ref _generation);
            }

            await StartAsync(cancellationToken).ConfigureAwait(false);
            foreach (var plugin in _plugins.Values)
            {
                await LoadIntoSidecarAsync(plugin, cancellationToken).ConfigureAwait(false);
            }

            return Volatile.Read(ref _generation);
        }
        finally
        {
            _startGate.Release();
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var script = Path.Combine(_sidecarDirectory, "sidecar.mjs");
        if (!File.Exists(script))
        {
            throw new PluginCallException(PluginFailure.HostError, $"The Extism sidecar is missing: {script} does not exist. It ships in the wasm-sidecar folder of Mostlyucid.LlmBackend.Wasm; copy that folder next to the application.");
        }

        if (!Directory.Exists(Path.Combine(_sidecarDirectory, "node_modules", "@extism", "extism")))
        {
            throw new PluginCallException(PluginFailure.HostError, $"The Extism sidecar's dependencies are not installed: run `npm ci` in {_sidecarDirectory} (Node.js {MinimumNodeMajorVersion} or later), or run scripts/install-prerequisites.sh.");
        }

        var startInfo = new ProcessStartInfo(_nodePath)
        {
            WorkingDirectory = _sidecarDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        startInfo.ArgumentList.Add("--no-warnings");
        startInfo.ArgumentList.Add(script);

        // The sidecar gets no environment of the host's: not its API keys, not anything else.
        startInfo.Environment.Clear();

        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new PluginCallException(PluginFailure.HostError, $"Node.js ('{_nodePath}') did not start.");
        }
        catch (Win32Exception ex)
        {
            throw new PluginCallException(PluginFailure.HostError, $"Node.js was not found ('{_nodePath}': {ex.Message}). WebAssembly plugins run in a Node.js {MinimumNodeMajorVersion}+ sidecar: install Node.js (for example `apt-get install nodejs npm`) or set LlmSettings:Sandbox:NodePath.");
        }

        _ready = new TaskCompletionSource<SidecarFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
        _stdin = process.StandardInput.BaseStream;
        _process = process;
        var generation = Interlocked.Increment(ref _generation);
        _ = Task.Run(() => ReadLoopAsync(process, generation), CancellationToken.None);
        _ = Task.Run(() => ReadErrorsAsync(process), CancellationToken.None);

        SidecarFrame ready;
        try
        {
            ready = await _ready.Task.WaitAsync(StartTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new PluginCallException(PluginFailure.HostError, $"The Extism sidecar did not start within {StartTimeout.TotalSeconds} s; run `{_nodePath} {script}` by hand to see why.");
        }

        var nodeVersion = ready.Header.GetProperty("node").GetString() ?? "?";
        if (!int.TryParse(nodeVersion.Split('.')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major) || major < MinimumNodeMajorVersion)
        {
            process.Kill(entireProcessTree: true);
            throw new PluginCallException(PluginFailure.HostError, $"Node.js {nodeVersion} is too old for the Extism sidecar: install Node.js {MinimumNodeMajorVersion} or later.");
        }

        WasmLog.SidecarStarted(_logger, nodeVersion, process.Id);
    }

    private async Task<JsonElement> LoadIntoSidecarAsync(WasmPluginLoadRequest request, CancellationToken cancellationToken)
    {
        var header = Header(writer =>
        {
            writer.WriteString("plugin", request.Key);
            writer.WriteString("path", request.Path);
            writer.WriteNumber("maxPages", Math.Max(1, request.MemoryLimitBytes / 65536));
            writer.WriteNumber("instances", request.Instances);
            writer.WriteNumber("timeoutMs", (long)request.CallTimeout.TotalMilliseconds);
        });

        var reply = await RequestAsync(SidecarFrameKind.Load, header, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        return reply.Header;
    }

    private async Task<SidecarFrame> RequestAsync(SidecarFrameKind kind, byte[] header, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<SidecarFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        try
        {
            await WriteAsync(SidecarFrame.Encode(id, kind, header, body.Span), cancellationToken).ConfigureAwait(false);
            var frame = await reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (frame.Kind == SidecarFrameKind.Error)
            {
                throw ToException(frame.Header);
            }

            return frame;
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private async Task WriteAsync(byte[] frame, CancellationToken cancellationToken)
    {
        var stdin = _stdin ?? throw new PluginCallException(PluginFailure.RuntimeCrashed, "The plugin runtime is not running.");
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await stdin.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
            await stdin.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new PluginCallException(PluginFailure.RuntimeCrashed, $"The plugin runtime stopped accepting calls ({ex.Message}); it restarts on the next call.");
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private static PluginCallException ToException(JsonElement header)
    {
        var code = header.TryGetProperty("code", out var c) ? c.GetString() : null;
        var message = header.TryGetProperty("message", out var m) ? m.GetString() ?? string.Empty : string.Empty;
        var failure = code switch
        {
            "plugin" => PluginFailure.PluginError,
            "timeout" => PluginFailure.Timeout,
            "trap" => PluginFailure.Trap,
            "lost" => PluginFailure.InstanceLost,
            "load" => PluginFailure.LoadFailed,
            _ => PluginFailure.HostError,
        };
        return new PluginCallException(failure, message);
    }

    private async Task ReadLoopAsync(Process process, int generation)
    {
        var stdout = process.StandardOutput.BaseStream;
        try
        {
            while (await SidecarFrame.ReadAsync(stdout, CancellationToken.None).ConfigureAwait(false) is { } frame)
            {
                Dispatch(frame);
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or JsonException or ObjectDisposedException)
        {
            var reason = "reading from the sidecar failed: " + ex.Message;
            WasmLog.SidecarOutput(_logger, reason);
        }

        // The sidecar is gone (or out of step): whatever was in flight will not be answered.
        int exitCode;
        try
        {
            if (!process.WaitForExit(2000))
            {
                process.Kill(entireProcessTree: true);
            }

            exitCode = process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            exitCode = -1;
        }

        if (!_disposed && Volatile.Read(ref _generation) == generation)
        {
            var pendingCalls = _pending.Count;
            WasmLog.SidecarCrashed(_logger, exitCode, pendingCalls);
            _ready?.TrySetException(new PluginCallException(PluginFailure.HostError, $"The Extism sidecar exited (code {exitCode}) before it was ready; run it by hand to see why."));
            FailPending(PluginFailure.RuntimeCrashed, $"The plugin runtime (the Extism sidecar) stopped during the call (exit code {exitCode}); it restarts for the next call.");
        }
    }

    private void Dispatch(SidecarFrame frame)
    {
        switch (frame.Kind)
        {
            case SidecarFrameKind.Ready:
                _ready?.TrySetResult(frame);
                break;
            case SidecarFrameKind.Ok or SidecarFrameKind.Error:
                if (_pending.TryRemove(frame.Id, out var reply))
                {
                    reply.TrySetResult(frame);
                }

                break;
            case SidecarFrameKind.Log:
                LogPluginMessage(frame.Header);
                break;
            case SidecarFrameKind.HttpRequest:
                _ = Task.Run(() => AnswerHttpAsync(frame));
                break;
        }
    }

    private void LogPluginMessage(JsonElement header)
    {
        var plugin = header.TryGetProperty("plugin", out var p) ? p.GetString() ?? "?" : "?";
        var message = header.TryGetProperty("message", out var m) ? m.GetString() ?? string.Empty : string.Empty;
        var level = header.TryGetProperty("level", out var l) && l.ValueKind == JsonValueKind.Number ? l.GetInt32() : 3;
        if (level <= 2)
        {
            WasmLog.PluginWarning(_logger, plugin, message);
        }
        else
        {
            WasmLog.PluginMessage(_logger, plugin, message);
        }
    }

    private async Task AnswerHttpAsync(SidecarFrame frame)
    {
        var plugin = frame.Header.TryGetProperty("plugin", out var p) ? p.GetString() : null;
        byte[] answer;
        if (plugin is not null && _plugins.TryGetValue(plugin, out var request) && request.HttpHandler is { } handler)
        {
            try
            {
                answer = await handler(frame.Body, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                answer = Encoding.UTF8.GetBytes(HttpWireRefusal(500, ex.Message));
            }
        }
        else
        {
            answer = Encoding.UTF8.GetBytes(HttpWireRefusal(403, "This host does not send HTTP requests for this plugin."));
        }

        try
        {
            await WriteAsync(SidecarFrame.Encode(frame.Id, SidecarFrameKind.HttpReply, "{}"u8, answer), CancellationToken.None).ConfigureAwait(false);
        }
        catch (PluginCallException)
        {
            // The sidecar died meanwhile; the call that asked is failed by the read loop.
        }
    }

    private static string HttpWireRefusal(int status, string message) =>
        Abi.HttpWire.ResponseEnvelope(status, new Dictionary<string, string>(StringComparer.Ordinal), Encoding.UTF8.GetBytes(message));

    private void FailPending(PluginFailure failure, string message)
    {
        foreach (var id in _pending.Keys.ToList())
        {
            if (_pending.TryRemove(id, out var reply))
            {
                reply.TrySetException(new PluginCallException(failure, message));
            }
        }
    }

    private async Task ReadErrorsAsync(Process process)
    {
        try
        {
            while (await process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                WasmLog.SidecarOutput(_logger, line);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The process is gone; its last words were already logged.
        }
    }
}
