namespace Mostlyucid.LlmBackend.Models;

/// <summary>Data for the plugin loader's <c>PluginLoaded</c> and <c>PluginUnloaded</c> events.</summary>
public sealed class LlmPluginEventArgs : EventArgs
{
    /// <summary>Initializes a new instance of the <see cref="LlmPluginEventArgs"/> class.</summary>
    /// <param name="plugin">The plugin.</param>
    public LlmPluginEventArgs(LlmPluginInfo plugin)
    {
        Plugin = plugin;
    }

    /// <summary>Gets the plugin.</summary>
    public LlmPluginInfo Plugin { get; }
}
