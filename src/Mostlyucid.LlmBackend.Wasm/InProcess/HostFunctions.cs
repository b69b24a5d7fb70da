using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Wasm.Abi;
using Mostlyucid.LlmBackend.Wasm.Runtime;
using Wasmtime;

namespace Mostlyucid.LlmBackend.Wasm.InProcess;

/// <summary>
/// The functions a plugin may import besides the kernel: Extism's runtime functions (<c>extism:host/env</c>: config,
/// variables, logging, HTTP) and QueryMT's (<c>extism:host/user</c>: <c>qmt_http_*</c>, <c>qmt_yield_chunk</c>,
/// <c>qmt_log</c>), with QueryMT's inputs, outputs and failure behaviour. Every HTTP request goes through the plugin's
/// <see cref="IPluginHttp"/>, which checks its allowed hosts; the call's time limit restarts after each wait.
/// </summary>
internal static class HostFunctions
{
    private static readonly string[] KernelFunctions =
    {
        "alloc", "free", "length", "length_unsafe", "load_u8", "load_u64", "store_u8", "store_u64", "input_set",
        "input_length", "input_offset", "input_load_u8", "input_load_u64", "output_set", "output_offset",
        "output_length", "error_set", "error_get", "memory_bytes", "reset",
    };

    private static readonly string[] RuntimeFunctions =
    {
        "config_get", "var_get", "var_set", "http_request", "http_status_code", "http_headers", "get_log_level",
        "log_trace", "log_debug", "log_info", "log_warn", "log_error",
    };

    private static readonly string[] QueryMtFunctions =
    {
        "qmt_http_request", "qmt_http_stream_open", "qmt_http_stream_next", "qmt_http_stream_close", "qmt_yield_chunk", "qmt_log",
    };

    /// <summary>Defines every host function in <paramref name="linker"/>.</summary>
    public static void Define(Linker linker)
    {
        DefineRuntime(linker);
        DefineQueryMt(linker);
    }

    /// <summary>Names the imports of <paramref name="module"/> this host does not provide (WASI's are checked when it is linked).</summary>
    public static List<string> UnknownImports(Module module)
    {
        var unknown = new List<string>();
        foreach (var import in module.Imports)
        {
            var known = import.ModuleName switch
            {
                "wasi_snapshot_preview1" => true,
                SandboxModules.KernelModuleName => KernelFunctions.Contains(import.Name) || RuntimeFunctions.Contains(import.Name),
                SandboxModules.UserModuleName => QueryMtFunctions.Contains(import.Name),
                _ => false,
            };
            if (!known)
            {
                unknown.Add($"{import.ModuleName}::{import.Name}");
            }
        }

        return unknown;
    }

    private static HostContext Context(Caller caller) => (HostContext)caller.GetData()!;

    private static void DefineRuntime(Linker linker)
    {
        const string env = SandboxModules.KernelModuleName;

        // No Extism config: a plugin's configuration is the cfg QueryMT's ABI passes in every call, and the host's
        // environment (which QueryMT's host exposes here) stays out of reach.
        linker.DefineFunction(env, "config_get", (Caller caller, long key) => 0L);

        linker.DefineFunction(env, "var_get", (Caller caller, long key) =>
        {
            var context = Context(caller);
            return context.Variables.TryGetValue(context.Kernel.ReadString(key), out var value) ? context.Kernel.Store(value) : 0L;
        });

        linker.DefineFunction(env, "var_set", (Caller caller, long key, long value) =>
        {
            var context = Context(caller);
            var name = context.Kernel.ReadString(key);
            if (value == 0)
            {
                context.Variables.Remove(name);
                return;
            }

            var bytes = context.Kernel.Read(value).ToArray();
            var used = context.Variables.Where(v => v.Key != name).Sum(v => v.Value.Length + v.Key.Length) + bytes.Length + name.Length;
            if (used > HostContext.MaxVariableBytes)
            {
                throw new InvalidOperationException($"the plugin's Extism variables would exceed {HostContext.MaxVariableBytes} bytes");
            }

            context.Variables[name] = bytes;
        });

        linker.DefineFunction(env, "get_log_level", (Caller caller) => ExtismLevel(Context(caller).Plugin.Logger));
        linker.DefineFunction(env, "log_trace", (Caller caller, long message) => Log(Context(caller), LogLevel.Trace, message));
        linker.DefineFunction(env, "log_debug", (Caller caller, long message) => Log(Context(caller), LogLevel.Debug, message));
        linker.DefineFunction(env, "log_info", (Caller caller, long message) => Log(Context(caller), LogLevel.Information, message));
        linker.DefineFunction(env, "log_warn", (Caller caller, long message) => Log(Context(caller), LogLevel.Warning, message));
        linker.DefineFunction(env, "log_error", (Caller caller, long message) => Log(Context(caller), LogLevel.Error, message));

        linker.DefineFunction(env, "http_request", (Caller caller, long request, long body) => ExtismHttp.Send(Context(caller), request, body));
        linker.DefineFunction(env, "http_status_code", (Caller caller) => Context(caller).LastHttpStatus);
        linker.DefineFunction(env, "http_headers", (Caller caller) =>
        {
            var context = Context(caller);
            return context.LastHttpHeaders is { } headers ? context.Kernel.Store(headers) : 0L;
        });
    }

    private static void DefineQueryMt(Linker linker)
    {
        const string user = SandboxModules.UserModuleName;

        linker.DefineFunction(user, "qmt_http_request", (Caller caller, long request) =>
        {
            var context = Context(caller);
            var envelope = context.Kernel.Read(request).ToArray();
            byte[] response;
            if (context.CallCancellation.IsCancellationRequested)
            {
                response = Encoding.UTF8.GetBytes(HttpWire.ResponseEnvelope(499, new Dictionary<string, string>(), "cancelled"u8));
            }
            else if (context.Plugin.Http is not { } http)
            {
                response = Encoding.UTF8.GetBytes(HttpWire.ResponseEnvelope(403, new Dictionary<string, string>(), "This host sends no HTTP requests for this plugin."u8));
            }
            else
            {
                try
                {
                    response = Wait(http.SendAsync(envelope, context.CallCancellation));
                }
                catch (OperationCanceledException)
                {
                    response = Encoding.UTF8.GetBytes(HttpWire.ResponseEnvelope(499, new Dictionary<string, string>(), "cancelled"u8));
                }
                finally
                {
                    context.RestartClock();
                }
            }

            return context.Kernel.Store(response);
        });

        linker.DefineFunction(user, "qmt_http_stream_open", (Caller caller, long request) =>
        {
            var context = Context(caller);
            return context.Kernel.Store(HttpStreams.Open(context, context.Kernel.Read(request).ToArray()));
        });

        linker.DefineFunction(user, "qmt_http_stream_next", (Caller caller, long id) =>
        {
            var context = Context(caller);
            return HttpStreams.Next(context, StreamId(context, id));
        });

        linker.DefineFunction(user, "qmt_http_stream_close", (Caller caller, long id) =>
        {
            var context = Context(caller);
            context.CloseStream(StreamId(context, id));
        });

        linker.DefineFunction(user, "qmt_yield_chunk", (Caller caller, long chunk) =>
        {
            var context = Context(caller);
            context.YieldSink?.Invoke(context.Kernel.Read(chunk).ToArray());
        });

        linker.DefineFunction(user, "qmt_log", (Caller caller, long record) => LogRecord(Context(caller), record));
    }

    /// <summary>Waits for a host operation inside a host function (the plugin's thread is blocked either way).</summary>
    internal static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();

    private static long StreamId(HostContext context, long offset)
    {
        var text = context.Kernel.Read(offset);
        return long.TryParse(Encoding.UTF8.GetString(text).Trim(), out var id) ? id : throw new InvalidOperationException("the stream id is not a JSON number");
    }

    private static int ExtismLevel(ILogger logger) =>
        logger.IsEnabled(LogLevel.Trace) ? 0 : logger.IsEnabled(LogLevel.Debug) ? 1 : logger.IsEnabled(LogLevel.Information) ? 2 : logger.IsEnabled(LogLevel.Warning) ? 3 : 4;

    private static void Log(HostContext context, LogLevel level, long message)
    {
        if (context.Plugin.Logger.IsEnabled(level))
        {
            var text = context.Kernel.ReadString(message);
            WasmLog.PluginLog(context.Plugin.Logger, level, context.Plugin.Key, text);
        }
    }

    private static void LogRecord(HostContext context, long offset)
    {
        var bytes = context.Kernel.Read(offset);
        var level = LogLevel.Information;
        string message;
        try
        {
            using var record = JsonDocument.Parse(bytes.ToArray());
            var root = record.RootElement;
            level = (root.TryGetProperty("level", out var l) && l.TryGetInt32(out var n) ? n : 3) switch
            {
                1 => LogLevel.Error,
                2 => LogLevel.Warning,
                3 => LogLevel.Information,
                4 => LogLevel.Debug,
                _ => LogLevel.Trace,
            };
            message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : string.Empty;
        }
        catch (JsonException)
        {
            message = Encoding.UTF8.GetString(bytes);
        }

        if (context.Plugin.Logger.IsEnabled(level))
        {
            WasmLog.PluginLog(context.Plugin.Logger, level, context.Plugin.Key, message);
        }
    }
}
