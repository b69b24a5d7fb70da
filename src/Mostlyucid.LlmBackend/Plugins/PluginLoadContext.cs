using System.Reflection;
using System.Runtime.Loader;

namespace Mostlyucid.LlmBackend.Plugins;

/// <summary>
/// A collectible load context for one plugin assembly. The plugin's own dependencies resolve from its folder (through its
/// <c>.deps.json</c> when present), so it can bring versions that differ from the host's; the contract assemblies
/// (<see cref="SharedAssemblies"/>) always resolve from the host, even when the plugin folder holds a copy, so that
/// <c>ILlmBackendPlugin</c>, <c>ILogger</c> and <c>HttpClient</c> are the same types on both sides.
/// </summary>
internal sealed class PluginLoadContext : AssemblyLoadContext
{
    private readonly AssemblyDependencyResolver _resolver;
    private readonly string _directory;

    public PluginLoadContext(string pluginPath)
        : base($"LlmBackendPlugin:{Path.GetFileName(pluginPath)}", isCollectible: true)
    {
        _resolver = new AssemblyDependencyResolver(pluginPath);
        _directory = Path.GetDirectoryName(pluginPath)!;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (SharedAssemblies.IsShared(assemblyName))
        {
            return null;
        }

        var path = _resolver.ResolveAssemblyToPath(assemblyName);
        if (path is null && assemblyName.Name is { } name)
        {
            var candidate = Path.Combine(_directory, name + ".dll");
            if (File.Exists(candidate))
            {
                path = candidate;
            }
        }

        // Not found beside the plugin: fall back to the host (framework assemblies and anything the host has).
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}
