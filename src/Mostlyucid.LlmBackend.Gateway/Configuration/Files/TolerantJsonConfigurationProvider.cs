using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace Mostlyucid.LlmBackend.Gateway.Configuration.Files;

/// <summary>Loads a <see cref="TolerantJsonConfigurationSource"/>: what could be read, and the file's problems, from its last load.</summary>
internal sealed class TolerantJsonConfigurationProvider : JsonConfigurationProvider
{
    private readonly string _file;

    public TolerantJsonConfigurationProvider(TolerantJsonConfigurationSource source)
        : base(source)
    {
        _file = source.Path ?? "configuration file";
    }

    /// <summary>Gets the problems found when the file was last loaded; empty when it was read whole.</summary>
    public IReadOnlyList<string> Problems { get; private set; } = Array.Empty<string>();

    /// <summary>Gets the problems of every tolerant file of a configuration, from their last loads.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <returns>The problems, file by file.</returns>
    public static IReadOnlyList<string> ProblemsIn(IConfigurationRoot configuration) =>
        configuration.Providers.OfType<TolerantJsonConfigurationProvider>().SelectMany(p => p.Problems).ToArray();

    public override void Load(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var problems = new List<string>();
        Data = JsonConfigurationFileReader.Read(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), _file, problems);
        Problems = problems;
    }
}
