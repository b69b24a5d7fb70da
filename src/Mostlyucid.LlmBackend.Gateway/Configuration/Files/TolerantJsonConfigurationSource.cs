using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace Mostlyucid.LlmBackend.Gateway.Configuration.Files;

/// <summary>
/// A JSON configuration file whose problems (a key given twice, invalid JSON) are added to <see cref="Problems"/> instead
/// of thrown, so they are reported with every other configuration problem.
/// </summary>
internal sealed class TolerantJsonConfigurationSource : JsonConfigurationSource
{
    /// <summary>Gets the list that receives the file's problems.</summary>
    public required List<string> Problems { get; init; }

    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new Provider(this);
    }

    private sealed class Provider(TolerantJsonConfigurationSource source) : JsonConfigurationProvider(source)
    {
        public override void Load(Stream stream)
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            Data = JsonConfigurationFileReader.Read(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), source.Path ?? "configuration file", source.Problems);
        }
    }
}
