using Microsoft.Extensions.Configuration;

namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>
/// Where the settings come from: a configuration section (read strictly, collecting shape problems) or code. Read once.
/// </summary>
internal sealed class LlmSettingsSource
{
    private readonly Lazy<(LlmSettings Settings, IReadOnlyList<string> Problems)> _read;

    public LlmSettingsSource(IConfiguration configuration)
    {
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

    /// <summary>Gets the settings as read; problems in <see cref="Problems"/> mean some values were skipped.</summary>
    public LlmSettings Settings => _read.Value.Settings;

    /// <summary>Gets the problems found while reading (unknown keys, values of the wrong kind).</summary>
    public IReadOnlyList<string> Problems => _read.Value.Problems;

    private static (LlmSettings, IReadOnlyList<string>) ReadSection(IConfiguration configuration)
    {
        var problems = new List<string>();
        var section = configuration is IConfigurationSection { Key: LlmSettings.SectionName } own
            ? own
            : configuration.GetSection(LlmSettings.SectionName);
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
