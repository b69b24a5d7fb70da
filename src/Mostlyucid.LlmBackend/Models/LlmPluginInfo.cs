namespace Mostlyucid.LlmBackend.Models;

/// <summary>A loaded plugin, as reported by <c>LlmPluginLoader.GetLoadedPlugins</c>.</summary>
public sealed record LlmPluginInfo
{
    /// <summary>Gets the plugin's id.</summary>
    public required string PluginId { get; init; }

    /// <summary>Gets the plugin's name.</summary>
    public required string PluginName { get; init; }

    /// <summary>Gets the plugin's version.</summary>
    public required string Version { get; init; }

    /// <summary>Gets the plugin's author.</summary>
    public string? Author { get; init; }

    /// <summary>Gets the plugin's description.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the backend types the plugin provides.</summary>
    public required IReadOnlyList<string> BackendTypes { get; init; }

    /// <summary>Gets where it came from: a DLL path, <c>reference:&lt;assembly&gt;</c> for a referenced package, or <c>builtin</c>.</summary>
    public required string Source { get; init; }
}
