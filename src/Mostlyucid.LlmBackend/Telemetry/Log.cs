using Microsoft.Extensions.Logging;

namespace Mostlyucid.LlmBackend.Telemetry;

/// <summary>
/// Every log line the library writes, with stable event ids. The plugin messages are the ones the plugin guide's
/// "Troubleshooting" section shows. Nothing here logs prompts, completions or secrets.
/// </summary>
internal static partial class Log
{
    // Plugins: 1000–1099
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Plugin directory {PluginDirectory} does not exist, skipping plugin loading")]
    public static partial void PluginDirectoryMissing(ILogger logger, string pluginDirectory);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Failed to load plugin from {PluginPath}: {Reason}")]
    public static partial void PluginLoadFailed(ILogger logger, string pluginPath, string reason, Exception? exception);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Loaded plugin {PluginName} ({PluginId} {PluginVersion}) from {PluginPath}; backend types: {BackendTypes}")]
    public static partial void PluginLoaded(ILogger logger, string pluginName, string pluginId, string pluginVersion, string pluginPath, IReadOnlyList<string> backendTypes);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Debug, Message = "Skipping {FilePath} while scanning for plugins: {Reason}")]
    public static partial void PluginFileSkipped(ILogger logger, string filePath, string reason);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Plugins are disabled (LlmSettings:Plugins:Enabled is false); no plugins are loaded automatically")]
    public static partial void PluginsDisabled(ILogger logger);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Unloaded plugin {PluginId} from {PluginPath}")]
    public static partial void PluginUnloaded(ILogger logger, string pluginId, string pluginPath);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "{FilePath} references Mostlyucid.LlmBackend but contains no public ILlmBackendPlugin implementation with a parameterless constructor; it is not loaded as a plugin")]
    public static partial void AssemblyHasNoPlugin(ILogger logger, string filePath);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Debug, Message = "Plugin {PluginPath} is already loaded; not loading it again")]
    public static partial void PluginAlreadyLoaded(ILogger logger, string pluginPath);

    // Backends: 2000–2099
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Backend type {BackendType} is not supported. If this is a plugin backend, ensure CustomBackendType is set and the plugin is loaded. Backend {BackendName} waits until a plugin supporting {BackendType} is loaded.")]
    public static partial void BackendWaitingForPlugin(ILogger logger, string backendType, string backendName);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Failed to create backend {BackendName} (type {BackendType}) with plugin {PluginId}: {Reason}. The backend is not used; the others still are.")]
    public static partial void BackendCreationFailed(ILogger logger, string backendName, string backendType, string pluginId, string reason, Exception? exception);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Backend {BackendName} ready: type {BackendType} from plugin {PluginId}, model {Model}, priority {Priority}")]
    public static partial void BackendReady(ILogger logger, string backendName, string backendType, string pluginId, string model, int priority);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Debug, Message = "Backend {BackendName} is disabled (Enabled: false) and is never used")]
    public static partial void BackendDisabled(ILogger logger, string backendName);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Backend {BackendName} is waiting for a plugin again: plugin {PluginId} was unloaded")]
    public static partial void BackendPluginUnloaded(ILogger logger, string backendName, string pluginId);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "A backend the reloaded configuration no longer uses threw while it was disposed: {Reason}")]
    public static partial void BackendDisposeFailed(ILogger logger, string reason);

    // Routing: 3000–3099
    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Request failed on every backend tried ({Attempts}): {Error}")]
    public static partial void AllBackendsFailed(ILogger logger, int attempts, string error);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Backend {BackendName} reported success with no content, no finish reason and no usage. If it is a plugin that parses the provider's JSON with default JsonSerializerOptions, snake_case fields such as 'choices' and 'prompt_tokens' are never read: deserialize with JsonNamingPolicy.SnakeCaseLower (see docs/plugins/dotnet.md)")]
    public static partial void EmptySuccess(ILogger logger, string backendName);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Debug, Message = "Request answered by {BackendName} ({Model}) in {DurationMs} ms after {Attempts} attempt(s)")]
    public static partial void RequestAnswered(ILogger logger, string backendName, string model, long durationMs, int attempts);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Backend {BackendName} failed after {DurationMs} ms ({ErrorKind}, {Disposition}): {Error}")]
    public static partial void AttemptFailed(ILogger logger, string backendName, long durationMs, string errorKind, string disposition, string error);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "The stream from backend {BrokenBackend} broke after {Characters} characters; continuing it on backend {ContinuingBackend} {How}")]
    public static partial void StreamContinued(ILogger logger, string brokenBackend, string continuingBackend, int characters, string how);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information, Message = "Backend {FirstBackend} produced nothing within {DelayMs} ms; hedging with backend {SecondBackend}")]
    public static partial void Hedging(ILogger logger, string firstBackend, int delayMs, string secondBackend);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Warning, Message = "Backend {BackendName} is out of rotation (circuit open) because {Reason}; one probe request is let through after {BreakSeconds} s")]
    public static partial void CircuitOpened(ILogger logger, string backendName, string reason, int breakSeconds);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "Backend {BackendName} is back in rotation (circuit closed): its probe succeeded")]
    public static partial void CircuitClosed(ILogger logger, string backendName);

    [LoggerMessage(EventId = Resilience.BackendExceptionErrors.InternalFailureEventId, Level = LogLevel.Error, Message = "An internal error in LlmBackend while calling backend {BackendName}; the backend is not held responsible (its statistics and circuit are unchanged)")]
    public static partial void InternalFailure(ILogger logger, string backendName, Exception exception);

    // Usage and spend: 4000–4099
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "The usage ledger's queue is full (Usage:QueueCapacity {Capacity}): {Dropped} record(s) dropped so far. Their spend still counts against budgets here; raise QueueCapacity or check the store")]
    public static partial void UsageRecordsDropped(ILogger logger, long dropped, int capacity);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "The usage store could not write {Count} record(s) after retrying ({Error}); they are dropped, their spend still counts against budgets here")]
    public static partial void UsageWriteFailed(ILogger logger, int count, string error, Exception exception);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Budget {Setting} is spent: ${SpentUsd} of ${LimitUsd}; {What} is out of rotation until {ResetsAt}")]
    public static partial void BudgetExceeded(ILogger logger, string setting, decimal spentUsd, decimal limitUsd, string what, string resetsAt);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "The budget counters on {Store} failed ({Error}); budgets count from the usage ledger here until a refresh of the counters succeeds")]
    public static partial void SharedBudgetCountersFailed(ILogger logger, string store, string error, Exception exception);

    // Configuration reloads: 6000–6099
    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Configuration reloaded: version {Version} is in use ({Changes}). Requests already running finish on the version they began with")]
    public static partial void ConfigurationReloaded(ILogger logger, long version, string changes);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "The changed configuration was refused, and version {Version} stays in use. Fix these {Count} problem(s) and save again:{Problems}")]
    public static partial void ConfigurationRefused(ILogger logger, long version, int count, string problems);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "Configuration version {Version} changes {Settings}, which are read when the application starts: the change takes effect after a restart; until then the values it started with stay in use")]
    public static partial void ConfigurationRestartNeeded(ILogger logger, long version, string settings);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Error, Message = "Reloading the configuration failed unexpectedly, and version {Version} stays in use")]
    public static partial void ConfigurationReloadFailed(ILogger logger, long version, Exception exception);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Debug, Message = "The configuration changed, but not its LlmSettings or the sections reloaded with them: nothing to reload")]
    public static partial void ConfigurationUnchanged(ILogger logger);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Debug, Message = "The configuration changed again but reads as the one just refused: version {Version} stays in use, and the refusal stands")]
    public static partial void ConfigurationStillRefused(ILogger logger, long version);
}
