using Mostlyucid.LlmBackend.Routing;

namespace Mostlyucid.LlmBackend.Reload;

/// <summary>A participant's part of a reload, ready to swap in.</summary>
/// <param name="Commit">Swaps it in, after the library's snapshot (given) was.</param>
/// <param name="Changes">What it changes, for the log line (names and counts only).</param>
/// <param name="RestartNeeded">Its settings that changed but are read at startup only.</param>
internal sealed record PreparedReload(Action<RegistrySnapshot> Commit, string Changes, IReadOnlyList<string> RestartNeeded);
