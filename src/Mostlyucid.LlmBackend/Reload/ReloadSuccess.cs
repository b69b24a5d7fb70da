namespace Mostlyucid.LlmBackend.Reload;

/// <summary>A configuration swapped in.</summary>
/// <param name="At">When.</param>
/// <param name="Version">Its version.</param>
/// <param name="Changes">What it changed, in one line (names only, never values).</param>
/// <param name="RestartNeeded">Settings it changed that are read at startup only: they take effect after a restart.</param>
internal sealed record ReloadSuccess(DateTimeOffset At, long Version, string Changes, IReadOnlyList<string> RestartNeeded);
