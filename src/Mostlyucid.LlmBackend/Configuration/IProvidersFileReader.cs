namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>
/// Reads a providers file (<see cref="PluginSettings.ProvidersFile"/>) into backends. The library has no reader of its
/// own: the <c>Mostlyucid.LlmBackend.Wasm</c> package registers one, for QueryMT's format.
/// </summary>
public interface IProvidersFileReader
{
    /// <summary>Reads the file named by the configuration.</summary>
    /// <param name="configuredPath">The path as configured (relative paths are the reader's to resolve).</param>
    /// <param name="problems">Receives every problem found, each naming the file and where in it; the backends of entries
    /// with problems are left out.</param>
    /// <returns>The backends the file declares, in file order, each with where it was declared.</returns>
    IReadOnlyList<ProvidersFileBackend> Read(string configuredPath, ICollection<string> problems);
}
