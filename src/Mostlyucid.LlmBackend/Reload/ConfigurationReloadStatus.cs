namespace Mostlyucid.LlmBackend.Reload;

/// <summary>Where reloading the configuration stands: the version in use, the last reload that was swapped in, the last refused.</summary>
/// <param name="Version">The configuration's version in use (1 at startup, one more for each reload swapped in).</param>
/// <param name="LastSuccess">The last configuration swapped in (at startup: the one loaded then).</param>
/// <param name="LastFailure">The last changed configuration that was refused, with every problem; <see langword="null"/> when none was.</param>
internal sealed record ConfigurationReloadStatus(long Version, ReloadSuccess LastSuccess, ReloadFailure? LastFailure);
