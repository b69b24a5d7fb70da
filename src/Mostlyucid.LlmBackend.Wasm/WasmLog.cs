using Microsoft.Extensions.Logging;

namespace Mostlyucid.LlmBackend.Wasm;

/// <summary>Every log line the Wasm package writes (event ids 4000–4099). Nothing here logs prompts, answers or secrets.</summary>
internal static partial class WasmLog
{
    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Plugin {Plugin}: {Message}")]
    public static partial void PluginMessage(ILogger logger, string plugin, string message);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Plugin {Plugin}: {Message}")]
    public static partial void PluginWarning(ILogger logger, string plugin, string message);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "Loaded {Carrier} plugin '{PluginName}' from {PluginPath} for backend '{Backend}'; allowed hosts: {AllowedHosts}")]
    public static partial void PluginLoaded(ILogger logger, string carrier, string pluginName, string pluginPath, string backend, string allowedHosts);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "Backend '{Backend}': plugin {PluginPath} failed ({Failure}): {Reason}")]
    public static partial void PluginCallFailed(ILogger logger, string backend, string pluginPath, string failure, string reason);

    [LoggerMessage(EventId = 4008, Message = "Plugin {Plugin}: {Message}")]
    public static partial void PluginLog(ILogger logger, LogLevel level, string plugin, string message);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Warning, Message = "Backend '{Backend}': plugin '{PluginName}' does not know the configuration keys {Keys}; they were dropped (as QueryMT does)")]
    public static partial void UnknownConfigKeysDropped(ILogger logger, string backend, string pluginName, string keys);
}
