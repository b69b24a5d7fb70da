using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Providers;
using Mostlyucid.LlmBackend.Resilience;
using Mostlyucid.LlmBackend.Security;
using Mostlyucid.LlmBackend.Services;
using Mostlyucid.LlmBackend.Spend;
using Mostlyucid.LlmBackend.Telemetry;

namespace Mostlyucid.LlmBackend.Routing;

/// <summary>
/// Turns the settings into backends, in two phases: <see cref="ValidateConfiguration"/> reads, expands and validates
/// everything that does not depend on plugins (cached once it passes); <see cref="EnsureInitialized"/> loads the
/// configured plugins, checks every backend type and creates the backends. Backends waiting for a plugin are created
/// when it loads, and go back to waiting when it unloads.
/// </summary>
internal sealed class BackendRegistry : IDisposable
{
    private readonly object _gate = new();
    private readonly LlmSettingsSource _source;
    private readonly LlmPluginLoader _loader;
    private readonly BuiltInProvidersPlugin _builtIn;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly TimeProvider _time;
    private readonly Func<string, string?> _environment;
    private readonly IProvidersFileReader? _providersFileReader;
    private readonly SecretRedactor _redactor;
    private readonly ILoggerFactory _backendLoggerFactory;
    private readonly ILogger _logger;
    private readonly LlmMetrics? _metrics;
    private LlmSettings? _settings;
    private BackendEntry[] _entries = Array.Empty<BackendEntry>();
    private BackendEntry[] _ready = Array.Empty<BackendEntry>();
    private readonly Dictionary<LlmBackendConfig, string> _disabledReasons = new();
    private volatile bool _initialized;
    private List<string>? _providersFileProblems;

    public BackendRegistry(
        LlmSettingsSource source,
        LlmPluginLoader loader,
        BuiltInProvidersPlugin builtIn,
        ILoggerFactory loggerFactory,
        IHttpClientFactory httpClientFactory,
        TimeProvider time,
        Func<string, string?> environment,
        SecretRedactor redactor,
        IProvidersFileReader? providersFileReader = null,
        IEnumerable<IUsageStoreProvider>? usageStores = null,
        LlmMetrics? metrics = null)
    {
        _metrics = metrics;
        UsageStoreProviders = usageStores?.ToArray() ?? Array.Empty<IUsageStoreProvider>();
        _redactor = redactor;
        _backendLoggerFactory = new RedactingLoggerFactory(loggerFactory, redactor);
        _source = source;
        _loader = loader;
        _builtIn = builtIn;
        _loggerFactory = loggerFactory;
        _httpClientFactory = httpClientFactory;
        _time = time;
        _environment = environment;
        _providersFileReader = providersFileReader;
        _logger = loggerFactory.CreateLogger<BackendRegistry>();
        _loader.PluginLoaded += OnPluginLoaded;
        _loader.PluginUnloaded += OnPluginUnloaded;
    }

    /// <summary>Gets the usage store providers the application registered (the store packages').</summary>
    public IReadOnlyList<IUsageStoreProvider> UsageStoreProviders { get; }

    /// <summary>Gets the validated settings (running phase one if needed).</summary>
    public LlmSettings Settings => ValidateConfiguration();

    /// <summary>Gets every configured backend, in configuration order.</summary>
    public IReadOnlyList<BackendEntry> Entries
    {
        get
        {
            EnsureInitialized();
            return _entries;
        }
    }

    /// <summary>Gets a configured backend's settings by name (case-insensitive); <see langword="null"/> when there is none.</summary>
    public LlmBackendConfig? FindConfig(string? name)
    {
        if (name is null)
        {
            return null;
        }

        var entries = Entries;
        for (var i = 0; i < entries.Count; i++)
        {
            if (string.Equals(entries[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return entries[i].Config;
            }
        }

        return null;
    }

    /// <summary>Gets the backends that can be routed to now, in configuration order.</summary>
    public IReadOnlyList<BackendEntry> ReadyEntries
    {
        get
        {
            EnsureInitialized();
            return _ready;
        }
    }

    /// <summary>Phase one: reads, expands and validates the settings; throws every problem at once.</summary>
    /// <returns>The validated settings.</returns>
    /// <exception cref="LlmConfigurationException">The settings have problems.</exception>
    public LlmSettings ValidateConfiguration()
    {
        if (_settings is { } done)
        {
            return done;
        }

        lock (_gate)
        {
            if (_settings is not null)
            {
                return _settings;
            }

            var settings = _source.Settings;
            var problems = new List<string>(_source.Problems);
            AddProvidersFileBackends(settings, problems);
            foreach (var backend in settings.Backends.Where(b => b.Enabled && !string.IsNullOrWhiteSpace(b.EnabledIfSet)))
            {
                if (string.IsNullOrEmpty(_environment(backend.EnabledIfSet!.Trim())))
                {
                    backend.Enabled = false;
                    _disabledReasons[backend] = $"EnabledIfSet: {backend.EnabledIfSet} is not set";
                }
            }

            var expander = new EnvironmentVariableExpander(_environment);
            for (var i = 0; i < settings.Backends.Count; i++)
            {
                if (settings.Backends[i].Enabled)
                {
                    expander.ExpandInPlace(settings.Backends[i], LlmSettingsValidator.PathOf(settings.Backends[i], i), problems);
                }
            }

            if (settings.Usage.ConnectionString is { } connection)
            {
                settings.Usage.ConnectionString = expander.Expand(connection, $"{LlmSettings.SectionName}:Usage", "ConnectionString", string.Empty, problems);
            }

            // Known before anything can fail, so no error, health report or log line can show them.
            _redactor.AddFrom(settings);
            LlmSettingsValidator.ValidateStructure(settings, problems);
            problems.AddRange(UsageStores.Validate(settings.Usage, UsageStoreProviders));
            for (var i = 0; i < settings.Backends.Count; i++)
            {
                var backend = settings.Backends[i];
                if (backend.Enabled && _builtIn.IsBuiltIn(backend.EffectiveBackendType))
                {
                    _builtIn.Validate(backend, $"{LlmSettingsValidator.PathOf(backend, i)} ({LlmSettingsValidator.Describe(backend)})", problems);
                }
            }
            if (problems.Count > 0)
            {
                throw new LlmConfigurationException(problems);
            }

            foreach (var backend in settings.Backends)
            {
                // Backends see their effective connect limit (their own, else the global one) on their configuration.
                backend.ConnectTimeoutSeconds ??= settings.Resilience.ConnectTimeoutSeconds;
            }

            _settings = settings;
            return settings;
        }
    }

    /// <summary>
    /// Appends the backends of <see cref="PluginSettings.ProvidersFile"/> after the configured ones. The file is read once:
    /// the settings object is kept, so a validation repeated after a failed one reports the file's problems again without
    /// adding its backends twice.
    /// </summary>
    private void AddProvidersFileBackends(LlmSettings settings, List<string> problems)
    {
        var file = settings.Plugins.ProvidersFile;
        if (string.IsNullOrWhiteSpace(file))
        {
            return;
        }

        if (_providersFileProblems is null)
        {
            _providersFileProblems = new List<string>();
            if (_providersFileReader is null)
            {
                _providersFileProblems.Add($"{LlmSettings.SectionName}:Plugins:ProvidersFile is set ('{file}'), but no providers file reader is registered: add the mostlylucid.llmbackend.wasm package and call services.AddLlmBackendWasm().");
            }
            else
            {
                foreach (var declared in _providersFileReader.Read(file.Trim(), _providersFileProblems))
                {
                    declared.Backend.DeclaredAt = declared.Location;
                    settings.Backends.Add(declared.Backend);
                }
            }
        }

        problems.AddRange(_providersFileProblems);
    }

    /// <summary>
    /// Runs both phases' checks and lists every problem at once — the settings' shape, values and references, and (when
    /// plugins load at startup) every backend type against the plugins that loaded — so a broken configuration is
    /// reported in one go rather than one phase at a time. Creates no backend.
    /// </summary>
    /// <returns>The problems; empty when the configuration can be used.</returns>
    public IReadOnlyList<string> FindProblems()
    {
        var problems = new List<string>();
        LlmSettings settings;
        try
        {
            settings = ValidateConfiguration();
        }
        catch (LlmConfigurationException ex)
        {
            problems.AddRange(ex.Problems);
            settings = _source.Settings;
        }

        if (_initialized || !(settings.Plugins.LoadOnStartup || !settings.Plugins.Enabled))
        {
            // Initialized already (types checked), or plugins load on first use, when the types are checked.
            return problems;
        }

        _loader.LoadConfiguredPlugins(settings.Plugins);
        LlmSettingsValidator.ValidateTypes(settings, _loader.KnownBackendTypes(), unresolvedIsProblem: !settings.Plugins.AllowUnresolvedTypes, problems);
        return problems;
    }

    /// <summary>Phase two: loads configured plugins, resolves every backend type and creates the backends.</summary>
    /// <exception cref="LlmConfigurationException">The settings have problems.</exception>
    public void EnsureInitialized()
    {
        if (_initialized)
        {
            return;
        }

        var settings = ValidateConfiguration();
        _loader.LoadConfiguredPlugins(settings.Plugins);
        lock (_gate)
        {
            if (_initialized)
            {
                return;
            }

            var problems = new List<string>();
            LlmSettingsValidator.ValidateTypes(settings, _loader.KnownBackendTypes(), unresolvedIsProblem: !settings.Plugins.AllowUnresolvedTypes, problems);
            if (problems.Count > 0)
            {
                throw new LlmConfigurationException(problems);
            }

            var entries = new BackendEntry[settings.Backends.Count];
            for (var i = 0; i < entries.Length; i++)
            {
                var config = settings.Backends[i];
                var metrics = new BackendMetrics(_time, settings.Monitoring);
                var name = config.Name;
                var breaker = new BackendCircuitBreaker(_time, settings.Resilience.CircuitBreaker, (from, to) => CircuitChanged(name, from, to));
                metrics.Breaker = breaker;
                entries[i] = new BackendEntry(i, config, metrics, new BackendState(BackendStatus.WaitingForPlugin, null, null, null), breaker);
                if (!config.Enabled)
                {
                    entries[i].State = new BackendState(BackendStatus.Disabled, null, null, _disabledReasons.GetValueOrDefault(config, "Enabled is false"));
                    Log.BackendDisabled(_logger, config.Name);
                    continue;
                }

                entries[i].State = Create(entries[i]);
            }

            _entries = entries;
            RebuildReady();
            _initialized = true;
        }
    }

    private void CircuitChanged(string backend, CircuitState from, CircuitState to)
    {
        _metrics?.BreakerTransition(backend, to);
        var breaker = Settings.Resilience.CircuitBreaker;
        if (to == CircuitState.Open)
        {
            Log.CircuitOpened(_logger, backend, from == CircuitState.HalfOpen ? "its probe failed" : "it kept failing", breaker.BreakSeconds);
        }
        else if (to == CircuitState.Closed)
        {
            Log.CircuitClosed(_logger, backend);
        }
    }

    public void Dispose()
    {
        _loader.PluginLoaded -= OnPluginLoaded;
        _loader.PluginUnloaded -= OnPluginUnloaded;
        foreach (var entry in _entries)
        {
            (entry.State.Backend as IDisposable)?.Dispose();
        }
    }

    private BackendState Create(BackendEntry entry)
    {
        var type = entry.Config.EffectiveBackendType;
        var plugin = _loader.FindPluginForBackendType(type);
        if (plugin is null)
        {
            Log.BackendWaitingForPlugin(_logger, type, entry.Name);
            return new BackendState(
                BackendStatus.WaitingForPlugin,
                null,
                null,
                $"Backend type {type} is not supported. If this is a plugin backend, ensure CustomBackendType is set and the plugin is loaded.");
        }

        ILlmBackend? backend;
        try
        {
            backend = plugin.CreateBackend(type, entry.Config, _backendLoggerFactory, _httpClientFactory);
        }
        catch (Exception ex)
        {
            Log.BackendCreationFailed(_logger, entry.Name, type, plugin.PluginId, _redactor.Redact($"{ex.GetType().Name}: {ex.Message}"), RedactedException.From(ex, _redactor));
            return new BackendState(BackendStatus.Failed, null, plugin.PluginId, _redactor.Redact($"{plugin.PluginId} could not create it: {ex.Message}"));
        }

        if (backend is null)
        {
            Log.BackendCreationFailed(_logger, entry.Name, type, plugin.PluginId, "CreateBackend returned null", null);
            return new BackendState(BackendStatus.Failed, null, plugin.PluginId, $"{plugin.PluginId} returned no backend from CreateBackend");
        }

        if (backend is BaseLlmBackend withMetrics)
        {
            withMetrics.Metrics = entry.Metrics;
        }

        Log.BackendReady(_logger, entry.Name, type, plugin.PluginId, entry.Config.ModelName ?? "default", entry.Config.Priority);
        return new BackendState(BackendStatus.Ready, backend, plugin.PluginId, null);
    }

    private void OnPluginLoaded(object? sender, LlmPluginEventArgs e)
    {
        if (!_initialized)
        {
            return;
        }

        lock (_gate)
        {
            var types = new HashSet<string>(e.Plugin.BackendTypes, StringComparer.OrdinalIgnoreCase);
            foreach (var entry in _entries)
            {
                if (entry.State.Status == BackendStatus.WaitingForPlugin && types.Contains(entry.Config.EffectiveBackendType))
                {
                    entry.State = Create(entry);
                }
            }

            RebuildReady();
        }
    }

    private void OnPluginUnloaded(object? sender, LlmPluginEventArgs e)
    {
        if (!_initialized)
        {
            return;
        }

        lock (_gate)
        {
            foreach (var entry in _entries)
            {
                var state = entry.State;
                if (string.Equals(state.PluginId, e.Plugin.PluginId, StringComparison.OrdinalIgnoreCase) && state.Status is BackendStatus.Ready or BackendStatus.Failed)
                {
                    entry.State = new BackendState(BackendStatus.WaitingForPlugin, null, null, $"plugin {e.Plugin.PluginId} was unloaded");
                    (state.Backend as IDisposable)?.Dispose();
                    Log.BackendPluginUnloaded(_logger, entry.Name, e.Plugin.PluginId);
                }
            }

            RebuildReady();
        }
    }

    private void RebuildReady() => _ready = _entries.Where(e => e.State.Status == BackendStatus.Ready).ToArray();
}
