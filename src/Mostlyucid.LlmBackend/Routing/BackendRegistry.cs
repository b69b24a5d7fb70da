using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Providers;
using Mostlyucid.LlmBackend.Reload;
using Mostlyucid.LlmBackend.Resilience;
using Mostlyucid.LlmBackend.Security;
using Mostlyucid.LlmBackend.Services;
using Mostlyucid.LlmBackend.SharedState;
using Mostlyucid.LlmBackend.Spend;
using Mostlyucid.LlmBackend.Telemetry;

namespace Mostlyucid.LlmBackend.Routing;

/// <summary>
/// Turns the settings into backends, in two phases: <see cref="ValidateConfiguration"/> reads, expands and validates
/// everything that does not depend on plugins (cached once it passes); <see cref="EnsureInitialized"/> loads the
/// configured plugins, checks every backend type and creates the backends. Backends waiting for a plugin are created
/// when it loads, and go back to waiting when it unloads.
/// </summary>
/// <remarks>
/// What it holds is one <see cref="RegistrySnapshot"/>, swapped whole when the configuration is reloaded
/// (<see cref="Prepare"/>, then <see cref="Commit"/>). A request that <see cref="Enter"/>s reads the snapshot current when
/// it began through every member here until it ends.
/// </remarks>
internal sealed class BackendRegistry : IDisposable
{
    private readonly object _gate = new();
    private readonly LlmSettingsSource _source;
    private readonly LlmPluginLoader _loader;
    private readonly BuiltInProvidersPlugin _builtIn;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly TimeProvider _time;
    private readonly Func<string, string?> _environment;
    private readonly IProvidersFileReader? _providersFileReader;
    private readonly SecretRedactor _redactor;
    private readonly ILoggerFactory _backendLoggerFactory;
    private readonly ILogger _logger;
    private readonly AsyncLocal<RegistrySnapshot?> _pinned = new();
    private readonly ConditionalWeakTable<LlmBackendConfig, string> _disabledReasons = new();
    private readonly LlmMetrics? _metrics;
    private volatile RegistrySnapshot? _current;
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
        LlmMetrics? metrics = null,
        IEnumerable<ISharedStateProvider>? sharedStates = null)
    {
        _metrics = metrics;
        UsageStoreProviders = usageStores?.ToArray() ?? Array.Empty<IUsageStoreProvider>();
        SharedStateProviders = sharedStates?.ToArray() ?? Array.Empty<ISharedStateProvider>();
        _redactor = redactor;
        _backendLoggerFactory = new RedactingLoggerFactory(loggerFactory, redactor);
        _source = source;
        _loader = loader;
        _builtIn = builtIn;
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

    /// <summary>Gets the shared state providers the application registered (the Redis package's).</summary>
    public IReadOnlyList<ISharedStateProvider> SharedStateProviders { get; }

    /// <summary>Gets where the settings come from.</summary>
    public LlmSettingsSource Source => _source;

    /// <summary>Gets the validated settings (running phase one if needed): the current request's, else the current ones.</summary>
    public LlmSettings Settings => _pinned.Value?.Settings ?? ValidateConfiguration();

    /// <summary>Gets whether this flow has entered a snapshot (<see cref="Enter"/>).</summary>
    public bool HasEntered => _pinned.Value is not null;

    /// <summary>Gets the snapshot in use now (not the one a request pinned); <see langword="null"/> before the settings were validated.</summary>
    public RegistrySnapshot? CurrentSnapshot => _current;

    /// <summary>Gets every configured backend, in configuration order.</summary>
    public IReadOnlyList<BackendEntry> Entries
    {
        get
        {
            EnsureInitialized();
            return Initialized().Entries;
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
            return Initialized().Ready;
        }
    }

    /// <summary>
    /// Begins a request on the current snapshot: until the scope is disposed, everything this flow reads here comes from
    /// it, and the backends it holds are not disposed by a reload. Inside a flow that has already entered, changes nothing.
    /// Before the settings were first validated, pins nothing (the first use validates them, as before).
    /// </summary>
    /// <returns>The scope; dispose it when the request ends.</returns>
    public SnapshotScope Enter()
    {
        if (_pinned.Value is not null)
        {
            return default;
        }

        while (_current is { } snapshot)
        {
            if (snapshot.TryAcquire())
            {
                return new SnapshotScope(_pinned, snapshot);
            }
        }

        return default;
    }

    /// <summary>Phase one: reads, expands and validates the settings; throws every problem at once.</summary>
    /// <returns>The validated settings.</returns>
    /// <exception cref="LlmConfigurationException">The settings have problems.</exception>
    public LlmSettings ValidateConfiguration()
    {
        if (_current is { } done)
        {
            return done.Settings;
        }

        lock (_gate)
        {
            if (_current is { } validated)
            {
                return validated.Settings;
            }

            var settings = _source.Settings;
            var problems = new List<string>();
            Check(settings, _source.Problems, ref _providersFileProblems, problems);
            if (problems.Count > 0)
            {
                throw new LlmConfigurationException(problems);
            }

            _current = new RegistrySnapshot(settings, Array.Empty<BackendEntry>(), version: 1, initialized: false);
            return settings;
        }
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

        if (_current is { Initialized: true } || !(settings.Plugins.LoadOnStartup || !settings.Plugins.Enabled))
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
        if (_current is { Initialized: true })
        {
            return;
        }

        var settings = ValidateConfiguration();
        _loader.LoadConfiguredPlugins(settings.Plugins);
        lock (_gate)
        {
            var current = _current!;
            if (current.Initialized)
            {
                return;
            }

            settings = current.Settings;
            var problems = new List<string>();
            LlmSettingsValidator.ValidateTypes(settings, _loader.KnownBackendTypes(), unresolvedIsProblem: !settings.Plugins.AllowUnresolvedTypes, problems);
            if (problems.Count > 0)
            {
                throw new LlmConfigurationException(problems);
            }

            var entries = new BackendEntry[settings.Backends.Count];
            for (var i = 0; i < entries.Length; i++)
            {
                entries[i] = NewEntry(i, settings.Backends[i], settings, metrics: null, breaker: null);
                entries[i].State = InitialState(entries[i]);
            }

            // The settings-only snapshot had no backends: nothing of it waits to be disposed.
            _current = new RegistrySnapshot(settings, entries, current.Version, initialized: true);
            current.Retire(static () => { });
        }
    }

    /// <summary>
    /// Builds a reloaded configuration beside the running one: checks it whole with the same checks as startup (and every
    /// backend type against the plugins loaded), and creates the backends that are new or whose settings changed — a
    /// backend that cannot be created is a problem. Backends that remain keep their backend object, statistics and
    /// circuit breaker; a changed one gets a new backend object and keeps its statistics and circuit breaker.
    /// </summary>
    /// <param name="settings">The settings as read from the configuration now.</param>
    /// <param name="readProblems">The problems found while reading them.</param>
    /// <returns>The candidate; commit it only when it has no problems, else discard it.</returns>
    public RegistryCandidate Prepare(LlmSettings settings, IReadOnlyList<string> readProblems)
    {
        var running = _current ?? throw new InvalidOperationException("The configuration is reloaded only after it was first validated.");
        var problems = new List<string>();
        List<string>? noCache = null;
        Check(settings, readProblems, ref noCache, problems);
        if (running.Initialized)
        {
            // A reload loads no plugins: the types are those of the plugins already loaded.
            LlmSettingsValidator.ValidateTypes(settings, _loader.KnownBackendTypes(), unresolvedIsProblem: !settings.Plugins.AllowUnresolvedTypes, problems);
        }

        if (problems.Count > 0)
        {
            return new RegistryCandidate(settings, problems, Array.Empty<string>(), null, Array.Empty<ILlmBackend>(), ReloadChanges.None);
        }

        var restartNeeded = RestartOnlySettings.KeepRunning(running.Settings, settings);
        var changes = Compare(running.Settings, settings);
        if (!running.Initialized)
        {
            return new RegistryCandidate(settings, problems, restartNeeded, null, Array.Empty<ILlmBackend>(), changes);
        }

        var planned = new PlannedEntry[settings.Backends.Count];
        var created = new List<ILlmBackend>();
        for (var i = 0; i < planned.Length; i++)
        {
            var config = settings.Backends[i];
            var old = Find(running.Entries, config.Name);
            var entry = NewEntry(i, config, settings, old?.Metrics, old?.Breaker);
            if (old is not null && SettingsComparison.Same(old.Config, config))
            {
                entry.State = old.State;
                planned[i] = new PlannedEntry(entry, old);
                continue;
            }

            entry.State = InitialState(entry);
            planned[i] = new PlannedEntry(entry, null);
            if (entry.State.Backend is { } backend)
            {
                created.Add(backend);
            }
            else if (entry.State.Status == BackendStatus.Failed)
            {
                problems.Add($"{LlmSettingsValidator.PathOf(config, i)} ({LlmSettingsValidator.Describe(config)}): the backend could not be created: {entry.State.Reason}");
            }
        }

        var candidate = new RegistryCandidate(settings, problems, restartNeeded, planned, created, changes);
        if (problems.Count > 0)
        {
            Discard(candidate);
        }

        return candidate;
    }

    /// <summary>
    /// Swaps a candidate in: requests that begin from now on use it; those in flight finish on the snapshot they began
    /// with, and the backends the candidate no longer uses are disposed when the last of them ends.
    /// </summary>
    /// <param name="candidate">A candidate without problems.</param>
    /// <returns>The snapshot now in use.</returns>
    public RegistrySnapshot Commit(RegistryCandidate candidate)
    {
        if (candidate.Problems.Count > 0)
        {
            throw new InvalidOperationException("A configuration with problems cannot be swapped in.");
        }

        lock (_gate)
        {
            var old = _current!;
            RegistrySnapshot next;
            if (candidate.Entries is { } planned && old.Initialized)
            {
                var entries = new BackendEntry[planned.Count];
                for (var i = 0; i < entries.Length; i++)
                {
                    entries[i] = planned[i].Entry;
                    if (planned[i].KeptFrom is { } kept)
                    {
                        // A plugin may have loaded or unloaded since the candidate was built: take the state as it is now.
                        entries[i].State = kept.State;
                    }
                }

                next = new RegistrySnapshot(candidate.Settings, entries, old.Version + 1, initialized: true);
            }
            else
            {
                // Not initialized yet (the backends are created from these settings on first use), or initialized since
                // the candidate was built: create them again from the new settings.
                next = new RegistrySnapshot(candidate.Settings, Array.Empty<BackendEntry>(), old.Version + 1, initialized: false);
                foreach (var backend in candidate.Created)
                {
                    DisposeQuietly(backend);
                }
            }

            var inUse = new HashSet<ILlmBackend>(ReferenceEqualityComparer.Instance);
            foreach (var entry in next.Entries)
            {
                if (entry.State.Backend is { } backend)
                {
                    inUse.Add(backend);
                }
            }

            var leftBehind = old.Entries.Select(e => e.State.Backend).Where(b => b is not null && !inUse.Contains(b)).Select(b => b!).ToArray();
            _current = next;
            old.Retire(() =>
            {
                foreach (var backend in leftBehind)
                {
                    DisposeQuietly(backend);
                }
            });
            return next;
        }
    }

    /// <summary>Throws a candidate away, disposing the backends created for it.</summary>
    /// <param name="candidate">The candidate.</param>
    public void Discard(RegistryCandidate candidate)
    {
        foreach (var backend in candidate.Created)
        {
            DisposeQuietly(backend);
        }
    }

    public void Dispose()
    {
        _loader.PluginLoaded -= OnPluginLoaded;
        _loader.PluginUnloaded -= OnPluginUnloaded;
        foreach (var entry in _current?.Entries ?? Array.Empty<BackendEntry>())
        {
            (entry.State.Backend as IDisposable)?.Dispose();
        }
    }

    /// <summary>Gets the snapshot this flow pinned when it has its backends, else the current one.</summary>
    private RegistrySnapshot Initialized() => _pinned.Value is { Initialized: true } pinned ? pinned : _current!;

    /// <summary>The checks of phase one, for startup and reloads alike: every problem is added to <paramref name="problems"/>.</summary>
    private void Check(LlmSettings settings, IReadOnlyList<string> readProblems, ref List<string>? providersFileProblems, List<string> problems)
    {
        problems.AddRange(readProblems);
        AddProvidersFileBackends(settings, ref providersFileProblems, problems);
        foreach (var backend in settings.Backends.Where(b => b.Enabled && !string.IsNullOrWhiteSpace(b.EnabledIfSet)))
        {
            if (string.IsNullOrEmpty(_environment(backend.EnabledIfSet!.Trim())))
            {
                backend.Enabled = false;
                _disabledReasons.AddOrUpdate(backend, $"EnabledIfSet: {backend.EnabledIfSet} is not set");
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

        if (settings.Redis.ConnectionString is { } redis)
        {
            settings.Redis.ConnectionString = expander.Expand(redis, $"{LlmSettings.SectionName}:Redis", "ConnectionString", string.Empty, problems);
        }

        // Known before anything can fail, so no error, health report or log line can show them.
        _redactor.AddFrom(settings);
        LlmSettingsValidator.ValidateStructure(settings, problems);
        problems.AddRange(UsageStores.Validate(settings.Usage, UsageStoreProviders));
        problems.AddRange(SharedStates.Validate(settings.Redis, SharedStateProviders));
        for (var i = 0; i < settings.Backends.Count; i++)
        {
            var backend = settings.Backends[i];
            if (backend.Enabled && _builtIn.IsBuiltIn(backend.EffectiveBackendType))
            {
                _builtIn.Validate(backend, $"{LlmSettingsValidator.PathOf(backend, i)} ({LlmSettingsValidator.Describe(backend)})", problems);
            }
        }

        if (problems.Count == 0)
        {
            foreach (var backend in settings.Backends)
            {
                // Backends see their effective connect limit (their own, else the global one) on their configuration.
                backend.ConnectTimeoutSeconds ??= settings.Resilience.ConnectTimeoutSeconds;
            }
        }
    }

    /// <summary>
    /// Appends the backends of <see cref="PluginSettings.ProvidersFile"/> after the configured ones. At startup the file
    /// is read once (<paramref name="cache"/> keeps its problems): the settings object is kept, so a validation repeated
    /// after a failed one reports the file's problems again without adding its backends twice. A reload reads it again.
    /// </summary>
    private void AddProvidersFileBackends(LlmSettings settings, ref List<string>? cache, List<string> problems)
    {
        var file = settings.Plugins.ProvidersFile;
        if (string.IsNullOrWhiteSpace(file))
        {
            return;
        }

        if (cache is null)
        {
            cache = new List<string>();
            if (_providersFileReader is null)
            {
                cache.Add($"{LlmSettings.SectionName}:Plugins:ProvidersFile is set ('{file}'), but no providers file reader is registered: add the mostlylucid.llmbackend.wasm package and call services.AddLlmBackendWasm().");
            }
            else
            {
                foreach (var declared in _providersFileReader.Read(file.Trim(), cache))
                {
                    declared.Backend.DeclaredAt = declared.Location;
                    settings.Backends.Add(declared.Backend);
                }
            }
        }

        problems.AddRange(cache);
    }

    private static ReloadChanges Compare(LlmSettings running, LlmSettings next)
    {
        var (backendsAdded, backendsRemoved, backendsChanged) = Differences(running.Backends, next.Backends, b => b.Name, SettingsComparison.Same);
        var (routesAdded, routesRemoved, routesChanged) = Differences(running.Routes, next.Routes, r => r.Name, SettingsComparison.Same);
        return new ReloadChanges(backendsAdded, backendsRemoved, backendsChanged, routesAdded, routesRemoved, routesChanged);
    }

    private static (string[] Added, string[] Removed, string[] Changed) Differences<T>(List<T> running, List<T> next, Func<T, string> name, Func<T, T, bool> same)
    {
        var before = new Dictionary<string, T>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in running)
        {
            before.TryAdd(name(item).Trim(), item);
        }

        var added = new List<string>();
        var changed = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in next)
        {
            var key = name(item).Trim();
            seen.Add(key);
            if (!before.TryGetValue(key, out var old))
            {
                added.Add(key);
            }
            else if (!same(old, item))
            {
                changed.Add(key);
            }
        }

        return (added.ToArray(), before.Keys.Where(k => !seen.Contains(k)).ToArray(), changed.ToArray());
    }

    private static BackendEntry? Find(BackendEntry[] entries, string name)
    {
        foreach (var entry in entries)
        {
            if (string.Equals(entry.Name.Trim(), name.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>A backend's entry: its own statistics and circuit breaker, or those it had in the running configuration.</summary>
    private BackendEntry NewEntry(int index, LlmBackendConfig config, LlmSettings settings, BackendMetrics? metrics, BackendCircuitBreaker? breaker)
    {
        metrics ??= new BackendMetrics(_time, settings.Monitoring);
        if (breaker is null)
        {
            var name = config.Name;
            breaker = new BackendCircuitBreaker(_time, settings.Resilience.CircuitBreaker, (from, to) => CircuitChanged(name, from, to));
            metrics.Breaker = breaker;
        }

        return new BackendEntry(index, config, metrics, new BackendState(BackendStatus.WaitingForPlugin, null, null, null), breaker);
    }

    private BackendState InitialState(BackendEntry entry)
    {
        if (!entry.Config.Enabled)
        {
            Log.BackendDisabled(_logger, entry.Config.Name);
            return new BackendState(BackendStatus.Disabled, null, null, _disabledReasons.TryGetValue(entry.Config, out var reason) ? reason : "Enabled is false");
        }

        return Create(entry);
    }

    private void CircuitChanged(string backend, CircuitState from, CircuitState to)
    {
        _metrics?.BreakerTransition(backend, to);
        var breaker = (_current?.Settings ?? _source.Settings).Resilience.CircuitBreaker;
        if (to == CircuitState.Open)
        {
            Log.CircuitOpened(_logger, backend, from == CircuitState.HalfOpen ? "its probe failed" : "it kept failing", breaker.BreakSeconds);
        }
        else if (to == CircuitState.Closed)
        {
            Log.CircuitClosed(_logger, backend);
        }
    }

    private void DisposeQuietly(ILlmBackend backend)
    {
        try
        {
            (backend as IDisposable)?.Dispose();
        }
        catch (Exception ex)
        {
            // A plugin's Dispose that throws must not fail the request whose end disposed it, nor the reload.
            Log.BackendDisposeFailed(_logger, _redactor.Redact($"{ex.GetType().Name}: {ex.Message}"));
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
        if (_current is not { Initialized: true })
        {
            return;
        }

        lock (_gate)
        {
            var current = _current;
            var types = new HashSet<string>(e.Plugin.BackendTypes, StringComparer.OrdinalIgnoreCase);
            foreach (var entry in current.Entries)
            {
                if (entry.State.Status == BackendStatus.WaitingForPlugin && types.Contains(entry.Config.EffectiveBackendType))
                {
                    entry.State = Create(entry);
                }
            }

            current.RebuildReady();
        }
    }

    private void OnPluginUnloaded(object? sender, LlmPluginEventArgs e)
    {
        if (_current is not { Initialized: true })
        {
            return;
        }

        lock (_gate)
        {
            var current = _current;
            foreach (var entry in current.Entries)
            {
                var state = entry.State;
                if (string.Equals(state.PluginId, e.Plugin.PluginId, StringComparison.OrdinalIgnoreCase) && state.Status is BackendStatus.Ready or BackendStatus.Failed)
                {
                    entry.State = new BackendState(BackendStatus.WaitingForPlugin, null, null, $"plugin {e.Plugin.PluginId} was unloaded");
                    (state.Backend as IDisposable)?.Dispose();
                    Log.BackendPluginUnloaded(_logger, entry.Name, e.Plugin.PluginId);
                }
            }

            current.RebuildReady();
        }
    }
}
