using Mostlyucid.LlmBackend.Routing;

namespace Mostlyucid.LlmBackend.Reload;

/// <summary>
/// A part of the application whose configuration reloads with the library's, checked and swapped in the same reload (the
/// gateway's keys and limits are): one list of problems for the whole configuration, one swap when there is none.
/// </summary>
internal interface IConfigurationReloadParticipant
{
    /// <summary>Gets what its configuration is now, as text compared with the last one applied (a reload whose library and participant texts are all unchanged is skipped).</summary>
    /// <returns>The text; it never leaves the process.</returns>
    string Fingerprint();

    /// <summary>Reads and checks its part of the changed configuration, with the library's candidate, adding every problem.</summary>
    /// <param name="candidate">The library's candidate (its settings are checked already; its problems are in <paramref name="problems"/>).</param>
    /// <param name="problems">Receives every problem found.</param>
    /// <returns>How to swap its part in, called only when the whole configuration has no problem.</returns>
    PreparedReload Prepare(RegistryCandidate candidate, List<string> problems);
}
