using System.Reflection;
using Microsoft.Extensions.DependencyModel;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Plugins;
using Mostlyucid.LlmBackend.Telemetry;

namespace Mostlyucid.LlmBackend.Services;

/// <summary>
/// Loads .NET plugins: from a directory, from specific DLL paths, from assemblies the application references (plugin
/// NuGet packages), or programmatically with <see cref="LoadPluginFromAssembly"/>. Each plugin DLL gets its own collectible
/// load context that shares only the contract assemblies with the host. Nothing a plugin does wrong (not a plugin, a
/// throwing constructor, <c>Validate()</c> returning <see langword="false"/>, a duplicate id, a backend type another plugin
/// already provides, a missing dependency) stops the host: it is logged and listed in <see cref="GetLoadFailures"/>.
/// </summary>
/// <remarks>
/// Backends configured for a plugin's types become usable as soon as the plugin loads, without a restart; unloading a
/// plugin puts its backends back to waiting.
/// </remarks>
public sealed class LlmPluginLoader
{
    private readonly object _gate = new();
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string[] _searchRoots;
    private readonly List<LoadedPlugin> _plugins = new();
    private readonly Dictionary<string, LoadedPlugin> _pluginsByType = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _loadedPaths = new(StringComparer.Ordinal);
    private readonly List<PluginLoadFailure> _failures = new();
    private bool _configuredPluginsLoaded;

    /// <summary>Initializes a new instance of the <see cref="LlmPluginLoader"/> class.</summary>
    /// <param name="logger">The logger; the guide's troubleshooting messages are written here.</param>
    public LlmPluginLoader(ILogger<LlmPluginLoader>? logger = null)
        : this(logger, TimeProvider.System, contentRoot: null)
    {
    }

    /// <param name="logger">The logger.</param>
    /// <param name="time">The clock for failure timestamps.</param>
    /// <param name="contentRoot">The host's content root, searched first for relative plugin paths.</param>
    internal LlmPluginLoader(ILogger? logger, TimeProvider time, string? contentRoot)
    {
        _logger = logger ?? NullLogger.Instance;
        _time = time;
        _searchRoots = new[] { contentRoot, AppContext.BaseDirectory, Directory.GetCurrentDirectory() }
            .Where(root => !string.IsNullOrEmpty(root))
            .Select(root => Path.GetFullPath(root!))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>Raised after a plugin has loaded and its backend types are available.</summary>
    public event EventHandler<LlmPluginEventArgs>? PluginLoaded;

    /// <summary>Raised after a plugin has been unloaded.</summary>
    public event EventHandler<LlmPluginEventArgs>? PluginUnloaded;

    /// <summary>Loads the plugins in one DLL into a new isolated load context.</summary>
    /// <param name="assemblyPath">The DLL, absolute or relative to the host's content root, the application's base directory or the current directory (first match).</param>
    /// <returns>The plugins loaded from it; empty when it failed (see the log and <see cref="GetLoadFailures"/>).</returns>
    public IReadOnlyList<ILlmBackendPlugin> LoadPluginFromAssembly(string assemblyPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(assemblyPath);
        return LoadFile(assemblyPath, explicitRequest: true);
    }

    /// <summary>Loads every plugin DLL in a directory.</summary>
    /// <param name="directory">The directory, absolute or relative to the host's content root, the application's base directory or the current directory (first match).</param>
    /// <param name="includeSubdirectories">Whether to scan subdirectories too.</param>
    /// <returns>The plugins loaded.</returns>
    public IReadOnlyList<ILlmBackendPlugin> LoadPluginsFromDirectory(string directory, bool includeSubdirectories = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var resolved = ResolvePath(directory, Directory.Exists);
        if (resolved is null)
        {
            Log.PluginDirectoryMissing(_logger, directory);
            return Array.Empty<ILlmBackendPlugin>();
        }

        var loaded = new List<ILlmBackendPlugin>();
        var files = Directory.GetFiles(resolved, "*.dll", includeSubdirectories ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly);
        Array.Sort(files, StringComparer.Ordinal);
        foreach (var file in files)
        {
            loaded.AddRange(LoadFile(file, explicitRequest: false));
        }

        return loaded;
    }

    /// <summary>
    /// Registers a plugin instance the application created itself (for example a plugin class compiled into the
    /// application). It is validated and checked like a loaded one, but shares the application's load context.
    /// </summary>
    /// <param name="plugin">The plugin.</param>
    /// <returns><see langword="true"/> when it was registered; otherwise see the log and <see cref="GetLoadFailures"/>.</returns>
    public bool RegisterPlugin(ILlmBackendPlugin plugin)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        return Register(plugin, $"instance:{plugin.GetType().FullName}", context: null, explicitRequest: true);
    }

    /// <summary>Gets the plugins loaded so far, the core's built-in providers first.</summary>
    /// <returns>The plugins.</returns>
    public IReadOnlyList<LlmPluginInfo> GetLoadedPlugins()
    {
        lock (_gate)
        {
            return _plugins.Select(p => p.Info).ToArray();
        }
    }

    /// <summary>Gets every plugin load that failed, in order.</summary>
    /// <returns>The failures.</returns>
    public IReadOnlyList<PluginLoadFailure> GetLoadFailures()
    {
        lock (_gate)
        {
            return _failures.ToArray();
        }
    }

    /// <summary>Finds the plugin that provides a backend type.</summary>
    /// <param name="backendType">The type name (case-insensitive).</param>
    /// <returns>The plugin, or <see langword="null"/> when none is loaded.</returns>
    public ILlmBackendPlugin? FindPluginForBackendType(string backendType)
    {
        lock (_gate)
        {
            return _pluginsByType.TryGetValue(backendType, out var loaded) ? loaded.Plugin : null;
        }
    }

    /// <summary>
    /// Unloads a plugin that was loaded from a DLL: its backend types disappear, backends using them wait for a plugin
    /// again, and its load context is released for collection once nothing references it.
    /// </summary>
    /// <param name="pluginId">The plugin's id.</param>
    /// <returns><see langword="true"/> when a plugin was unloaded.</returns>
    public bool UnloadPlugin(string pluginId)
    {
        LoadedPlugin? removed;
        var contextStillUsed = false;
        lock (_gate)
        {
            removed = _plugins.FirstOrDefault(p => string.Equals(p.Info.PluginId, pluginId, StringComparison.OrdinalIgnoreCase));
            if (removed is null || removed.LoadContext is null)
            {
                return false;
            }

            _plugins.Remove(removed);
            foreach (var type in removed.Info.BackendTypes)
            {
                _pluginsByType.Remove(type);
            }

            contextStillUsed = _plugins.Any(p => ReferenceEquals(p.LoadContext, removed.LoadContext));
            if (!contextStillUsed)
            {
                _loadedPaths.Remove(removed.Info.Source);
            }
        }

        PluginUnloaded?.Invoke(this, new LlmPluginEventArgs(removed.Info));
        if (!contextStillUsed)
        {
            removed.LoadContext.Unload();
        }

        Log.PluginUnloaded(_logger, removed.Info.PluginId, removed.Info.Source);
        return true;
    }

    /// <summary>Registers a plugin that ships inside the host (the core's built-in providers).</summary>
    internal void RegisterBuiltIn(ILlmBackendPlugin plugin, string source) =>
        Register(plugin, source, context: null, explicitRequest: true);

    /// <summary>Loads what the settings ask for, once: referenced assemblies, the plugin directory, then specific paths.</summary>
    internal void LoadConfiguredPlugins(PluginSettings settings)
    {
        lock (_gate)
        {
            if (_configuredPluginsLoaded)
            {
                return;
            }

            _configuredPluginsLoaded = true;
        }

        if (!settings.Enabled)
        {
            Log.PluginsDisabled(_logger);
            return;
        }

        if (settings.DiscoverReferencedAssemblies)
        {
            LoadReferencedAssemblies();
        }

        if (!string.IsNullOrWhiteSpace(settings.PluginDirectory))
        {
            LoadPluginsFromDirectory(settings.PluginDirectory, settings.IncludeSubdirectories);
        }

        foreach (var path in settings.SpecificPlugins.Where(p => !string.IsNullOrWhiteSpace(p)))
        {
            LoadFile(path, explicitRequest: true);
        }
    }

    /// <summary>Gets every backend type a loaded plugin provides.</summary>
    internal IReadOnlyCollection<string> KnownBackendTypes()
    {
        lock (_gate)
        {
            return _pluginsByType.Keys.ToArray();
        }
    }

    private List<ILlmBackendPlugin> LoadFile(string path, bool explicitRequest)
    {
        var resolved = ResolvePath(path, File.Exists);
        if (resolved is null)
        {
            Fail(path, $"the file does not exist (relative paths are looked up in {string.Join(", ", _searchRoots)})", null);
            return new List<ILlmBackendPlugin>();
        }

        lock (_gate)
        {
            if (_loadedPaths.Contains(resolved))
            {
                Log.PluginAlreadyLoaded(_logger, resolved);
                return _plugins.Where(p => p.Info.Source == resolved).Select(p => p.Plugin).ToList();
            }
        }

        var (kind, referenced) = PluginAssemblyInspector.Inspect(resolved);
        switch (kind)
        {
            case PluginAssemblyKind.Candidate:
                break;
            case PluginAssemblyKind.NewerContract:
                Fail(resolved, $"it was built against Mostlyucid.LlmBackend {referenced}, newer than this host's {typeof(LlmPluginLoader).Assembly.GetName().Version}; update the host's mostlylucid.llmbackend package", null);
                return new List<ILlmBackendPlugin>();
            default:
                var reason = kind switch
                {
                    PluginAssemblyKind.NotDotNet => "it is not a .NET assembly",
                    PluginAssemblyKind.ContractAssembly => "it is the Mostlyucid.LlmBackend library itself, not a plugin (the host's copy is always used)",
                    _ => "it does not reference Mostlyucid.LlmBackend, so it cannot contain an ILlmBackendPlugin (is it one of the plugin's dependencies?)",
                };
                if (explicitRequest)
                {
                    Fail(resolved, reason, null);
                }
                else
                {
                    Log.PluginFileSkipped(_logger, resolved, reason);
                }

                return new List<ILlmBackendPlugin>();
        }

        var context = new PluginLoadContext(resolved);
        Assembly assembly;
        try
        {
            assembly = context.LoadFromAssemblyPath(resolved);
        }
        catch (Exception ex) when (ex is FileLoadException or BadImageFormatException or IOException)
        {
            context.Unload();
            Fail(resolved, $"the assembly could not be loaded: {ex.Message}", ex);
            return new List<ILlmBackendPlugin>();
        }

        var loaded = LoadFromAssembly(assembly, resolved, context, explicitRequest);
        if (loaded.Count == 0)
        {
            context.Unload();
        }
        else
        {
            lock (_gate)
            {
                _loadedPaths.Add(resolved);
            }
        }

        return loaded;
    }

    private List<ILlmBackendPlugin> LoadFromAssembly(Assembly assembly, string source, PluginLoadContext? context, bool explicitRequest)
    {
        var loaded = new List<ILlmBackendPlugin>();
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            types = ex.Types.Where(t => t is not null).ToArray()!;
            var missing = ex.LoaderExceptions.OfType<FileNotFoundException>().Select(f => f.FileName).Where(n => n is not null).Distinct().ToArray();
            if (!types.Any(IsPluginType))
            {
                var detail = missing.Length > 0
                    ? $"missing dependencies {string.Join(", ", missing)}; copy the plugin's dependencies next to it"
                    : ex.LoaderExceptions.FirstOrDefault()?.Message ?? ex.Message;
                Fail(source, $"its types could not be loaded: {detail}", ex);
                return loaded;
            }
        }

        var pluginTypes = types.Where(IsPluginType).ToArray();
        if (pluginTypes.Length == 0)
        {
            if (explicitRequest)
            {
                Fail(source, "it contains no public, non-abstract ILlmBackendPlugin implementation with a parameterless constructor", null);
            }
            else
            {
                Log.AssemblyHasNoPlugin(_logger, source);
            }

            return loaded;
        }

        foreach (var type in pluginTypes)
        {
            ILlmBackendPlugin plugin;
            try
            {
                plugin = (ILlmBackendPlugin)Activator.CreateInstance(type)!;
            }
            catch (Exception ex)
            {
                var cause = ex is TargetInvocationException { InnerException: { } inner } ? inner : ex;
                Fail(source, $"the constructor of {type.FullName} threw {cause.GetType().Name}: {cause.Message}", cause);
                continue;
            }

            if (Register(plugin, source, context, explicitRequest))
            {
                loaded.Add(plugin);
            }
        }

        return loaded;
    }

    private bool Register(ILlmBackendPlugin plugin, string source, PluginLoadContext? context, bool explicitRequest)
    {
        LlmPluginInfo info;
        try
        {
            var typeName = plugin.GetType().FullName;
            bool valid;
            try
            {
                valid = plugin.Validate();
            }
            catch (Exception ex)
            {
                Fail(source, $"Validate() of {typeName} threw {ex.GetType().Name}: {ex.Message}", ex);
                return false;
            }

            if (!valid)
            {
                Fail(source, $"plugin {plugin.PluginId} ({typeName}) failed validation: its Validate() returned false", null);
                return false;
            }

            var types = (plugin.SupportedBackendTypes ?? Array.Empty<string>())
                .Where(t => !string.IsNullOrWhiteSpace(t))
                .Select(t => t.Trim())
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .ToArray();
            info = new LlmPluginInfo
            {
                PluginId = plugin.PluginId ?? string.Empty,
                PluginName = plugin.PluginName ?? plugin.PluginId ?? typeName ?? "plugin",
                Version = plugin.Version ?? string.Empty,
                Author = plugin.Author,
                Description = plugin.Description,
                BackendTypes = types,
                Source = source,
            };

            if (string.IsNullOrWhiteSpace(info.PluginId))
            {
                Fail(source, $"plugin {typeName} has an empty PluginId; give it a unique id such as com.mycompany.llmbackend.name", null);
                return false;
            }

            if (types.Length == 0)
            {
                Fail(source, $"plugin {info.PluginId} lists no SupportedBackendTypes", null);
                return false;
            }
        }
        catch (Exception ex)
        {
            Fail(source, $"reading the metadata of {plugin.GetType().FullName} threw {ex.GetType().Name}: {ex.Message}", ex);
            return false;
        }

        var loaded = new LoadedPlugin(plugin, info, context);
        lock (_gate)
        {
            var duplicate = _plugins.FirstOrDefault(p => string.Equals(p.Info.PluginId, info.PluginId, StringComparison.OrdinalIgnoreCase));
            if (duplicate is not null)
            {
                FailLocked(source, $"plugin id {info.PluginId} is already loaded from {duplicate.Info.Source}; plugin ids must be unique (remove one of the two copies)");
                return false;
            }

            var conflicts = info.BackendTypes
                .Where(_pluginsByType.ContainsKey)
                .Select(t => $"{t} (already provided by {_pluginsByType[t].Info.PluginId} from {_pluginsByType[t].Info.Source})")
                .ToArray();
            if (conflicts.Length > 0)
            {
                FailLocked(source, $"plugin {info.PluginId} claims backend types another plugin provides: {string.Join(", ", conflicts)}; rename the type and set CustomBackendType to it");
                return false;
            }

            _plugins.Add(loaded);
            foreach (var type in info.BackendTypes)
            {
                _pluginsByType[type] = loaded;
            }
        }

        Log.PluginLoaded(_logger, info.PluginName, info.PluginId, info.Version, source, info.BackendTypes);

        PluginLoaded?.Invoke(this, new LlmPluginEventArgs(info));
        return true;
    }

    private void LoadReferencedAssemblies()
    {
        var dependencies = DependencyContext.Default;
        if (dependencies is null)
        {
            return;
        }

        var entry = Assembly.GetEntryAssembly()?.GetName().Name;
        foreach (var library in dependencies.RuntimeLibraries)
        {
            if (string.Equals(library.Name, entry, StringComparison.OrdinalIgnoreCase)
                || SharedAssemblies.CompanionPackages.Contains(library.Name)
                || !library.Dependencies.Any(d => string.Equals(d.Name, SharedAssemblies.ContractPackageId, StringComparison.OrdinalIgnoreCase)
                    || string.Equals(d.Name, SharedAssemblies.ContractAssemblyName, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            foreach (var assemblyName in library.GetDefaultAssemblyNames(dependencies))
            {
                var source = $"reference:{assemblyName.Name}";
                lock (_gate)
                {
                    if (!_loadedPaths.Add(source))
                    {
                        continue;
                    }
                }

                try
                {
                    LoadFromAssembly(Assembly.Load(assemblyName), source, context: null, explicitRequest: false);
                }
                catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or BadImageFormatException)
                {
                    Fail(source, $"the referenced assembly could not be loaded: {ex.Message}", ex);
                }
            }
        }
    }

    private static bool IsPluginType(Type type) =>
        type is { IsClass: true, IsAbstract: false, IsPublic: true }
        && typeof(ILlmBackendPlugin).IsAssignableFrom(type)
        && type.GetConstructor(Type.EmptyTypes) is not null;

    private string? ResolvePath(string path, Func<string, bool> exists)
    {
        if (Path.IsPathRooted(path))
        {
            return exists(path) ? Path.GetFullPath(path) : null;
        }

        foreach (var root in _searchRoots)
        {
            var candidate = Path.GetFullPath(Path.Combine(root, path));
            if (exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private void Fail(string source, string reason, Exception? exception)
    {
        for (var cause = exception; cause is not null; cause = cause.InnerException)
        {
            if (cause is FileNotFoundException { FileName: { } missing })
            {
                reason += $" (dependency {missing} is missing: copy the plugin's whole build output, not only its DLL)";
                break;
            }
        }

        lock (_gate)
        {
            _failures.Add(new PluginLoadFailure { Source = source, Reason = reason, At = _time.GetUtcNow() });
        }

        Log.PluginLoadFailed(_logger, source, reason, exception);
    }

    private void FailLocked(string source, string reason)
    {
        _failures.Add(new PluginLoadFailure { Source = source, Reason = reason, At = _time.GetUtcNow() });
        Log.PluginLoadFailed(_logger, source, reason, null);
    }
}
