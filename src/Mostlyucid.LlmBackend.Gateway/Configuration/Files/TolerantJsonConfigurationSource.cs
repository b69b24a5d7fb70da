using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace Mostlyucid.LlmBackend.Gateway.Configuration.Files;

/// <summary>
/// A JSON configuration file whose problems (a key given twice, invalid JSON) are kept by its provider
/// (<see cref="TolerantJsonConfigurationProvider.Problems"/>) instead of thrown, so they are reported with every other
/// configuration problem — at startup, and when a reload of the changed file is refused.
/// </summary>
internal sealed class TolerantJsonConfigurationSource : JsonConfigurationSource
{
    /// <summary>Makes a tolerant source reading the same file as <paramref name="source"/>, with the same options.</summary>
    /// <param name="source">A standard JSON file source.</param>
    /// <returns>The tolerant source.</returns>
    public static TolerantJsonConfigurationSource From(JsonConfigurationSource source) => new()
    {
        Path = source.Path ?? throw new ArgumentException("The source names no file.", nameof(source)),
        Optional = source.Optional,
        ReloadOnChange = source.ReloadOnChange,
        ReloadDelay = source.ReloadDelay,
        FileProvider = source.FileProvider,
        OnLoadException = source.OnLoadException,
    };

    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new TolerantJsonConfigurationProvider(this);
    }
}
