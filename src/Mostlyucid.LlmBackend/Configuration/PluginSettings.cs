namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>Where .NET plugins are loaded from (<c>LlmSettings:Plugins</c>).</summary>
public class PluginSettings
{
    /// <summary>
    /// Gets or sets a value indicating whether plugins are loaded automatically (from <see cref="PluginDirectory"/>,
    /// <see cref="SpecificPlugins"/> and referenced NuGet packages). <c>LlmPluginLoader.LoadPluginFromAssembly</c> still
    /// works when this is <see langword="false"/>: it is an explicit call. <value>The default value is <see langword="true"/>.</value>
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets or sets a directory scanned for plugin DLLs. A relative path is looked up in the host's content root, then the application's base directory, then the current directory.
    /// <value>The default value is <see langword="null"/>: no directory is scanned.</value>
    /// </summary>
    public string? PluginDirectory { get; set; }

    /// <summary>Gets or sets a value indicating whether subdirectories of <see cref="PluginDirectory"/> are scanned too. <value>The default value is <see langword="false"/>.</value></summary>
    public bool IncludeSubdirectories { get; set; }

    /// <summary>Gets or sets plugin DLL paths to load (relative paths are looked up like <see cref="PluginDirectory"/>).</summary>
    public List<string> SpecificPlugins { get; set; } = new();

    /// <summary>
    /// Gets or sets a value indicating whether plugins are loaded when the host starts; otherwise on the first request.
    /// <value>The default value is <see langword="true"/>.</value>
    /// </summary>
    public bool LoadOnStartup { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether assemblies the application references (for example plugin NuGet packages)
    /// that depend on this library are searched for plugins. <value>The default value is <see langword="true"/>.</value>
    /// </summary>
    public bool DiscoverReferencedAssemblies { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether a backend whose type no loaded plugin provides is accepted and left waiting
    /// (for a plugin loaded later with <c>LlmPluginLoader.LoadPluginFromAssembly</c>) instead of being a configuration
    /// error. <value>The default value is <see langword="false"/>.</value>
    /// </summary>
    public bool AllowUnresolvedTypes { get; set; }

    /// <summary>
    /// Gets or sets a providers file in QueryMT's format (<c>providers = [{ name, path, config }]</c>; TOML, JSON or YAML,
    /// chosen by the extension) whose entries become WebAssembly or native plugin backends after those of
    /// <see cref="LlmSettings.Backends"/>. A relative path is looked up like <see cref="PluginDirectory"/>. Reading it needs
    /// the <c>Mostlyucid.LlmBackend.Wasm</c> package (<c>services.AddLlmBackendWasm()</c>); it does not depend on
    /// <see cref="Enabled"/>. <value>The default value is <see langword="null"/>: no providers file.</value>
    /// </summary>
    public string? ProvidersFile { get; set; }
}
