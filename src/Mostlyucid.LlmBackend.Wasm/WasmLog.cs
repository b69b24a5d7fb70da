using Microsoft.Extensions.Logging;

namespace Mostlyucid.LlmBackend.Wasm;

/// <summary>Every log line the Wasm package writes (event ids 4000–4099). Nothing here logs prompts, answers or secrets.</summary>
internal static partial class WasmLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Started the Extism sidecar (Node {NodeVersion}, pid {ProcessId})")]
    public static partial void SidecarStarted(ILogger logger, string nodeVersion, int processId);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "The Extism sidecar stopped unexpectedly (exit code {ExitCode}); {PendingCalls} call(s) in flight failed over, and it restarts on the next call")]
    public static partial void SidecarCrashed(ILogger logger, int exitCode, int pendingCalls);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Debug, Message = "Extism sidecar: {Line}")]
    public static partial void SidecarOutput(ILogger logger, string line);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Plugin {Plugin}: {Message}")]
    public static partial void PluginMessage(ILogger logger, string plugin, string message);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Plugin {Plugin}: {Message}")]
    public static partial void PluginWarning(ILogger logger, string plugin, string message);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "Loaded {Carrier} plugin '{PluginName}' from {PluginPath} for backend '{Backend}'; allowed hosts: {AllowedHosts}")]
    public static partial void PluginLoaded(ILogger logger, string carrier, string pluginName, string pluginPath, string backend, string allowedHosts);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "Backend '{Backend}': plugin {PluginPath} failed ({Failure}): {Reason}")]
    public static partial void PluginCallFailed(ILogger logger, string backend, string pluginPath, string failure, string reason);
}
