using Microsoft.Extensions.Configuration;

namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>
/// Where the settings come from: a configuration section (read strictly, collecting shape problems) or code. Read once
/// at startup; a configuration section is read again, into new objects, when it is reloaded (<see cref="Read"/>).
/// </summary>
internal sealed class LlmSettingsSource
{
    private readonly Lazy<(LlmSettings Settings, IReadOnlyList<string> Problems)> _read;

    public LlmSettingsSource(IConfiguration configuration)
    {
        Configuration = configuration;
        _read = new Lazy<(LlmSettings, IReadOnlyList<string>)>(() => ReadSection(configuration));
    }

    public LlmSettingsSource(Action<LlmSettings> configure)
    {
        _read = new Lazy<(LlmSettings, IReadOnlyList<string>)>(() =>
        {
            var settings = new LlmSettings();
            configure(settings);
            return (settings, Array.Empty<string>());
        });
    }

    /// <summary>Gets the configuration the settings are read from; <see langword="null"/> when they are configured in code (they are not reloaded).</summary>
    public IConfiguration? Configuration { get; }

    /// <summary>Gets the settings as read; problems in <see cref="Problems"/> mean some values were skipped.</summary>
    public LlmSettings Settings => _read.Value.Settings;

    /// <summary>Gets the problems found while reading (unknown keys, values of the wrong kind).</summary>
    public IReadOnlyList<string> Problems => _read.Value.Problems;

    /// <summary>Reads the configuration again, into new objects (for a reload).</summary>
    /// <returns>The settings and the problems found reading them.</returns>
    /// <exception cref="InvalidOperationException">The settings are configured in code.</exception>
    public (LlmSettings Settings, IReadOnlyList<string> Problems) Read() =>
        ReadSection(Configuration ?? throw new InvalidOperationException("Settings configured in code are not read again."));

    /// <summary>Gets the <c>LlmSettings</c> section of the configuration (or the configuration itself when it is that section).</summary>
    public IConfigurationSection? Section => Configuration is null ? null : SectionOf(Configuration);

    private static IConfigurationSection SectionOf(IConfiguration configuration) =>
        configuration is IConfigurationSection { Key: LlmSettings.SectionName } own ? own : configuration.GetSection(LlmSettings.SectionName);

    private static (LlmSettings, IReadOnlyList<string>) ReadSection(IConfiguration configuration)
    {
        var problems = new List<string>();
        var section = SectionOf(configuration);
        var settings = new LlmSettings();
        if (!section.Exists())
        {
            problems.Add($"No '{LlmSettings.SectionName}' section was found in the configuration. Add one (see docs/configuration.md), or pass the section itself to AddLlmBackend.");
            return (settings, problems);
        }

        ConfigurationObjectReader.Read(section, settings, problems);
        return (settings, problems);
    }
}
