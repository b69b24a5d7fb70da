namespace Mostlyucid.LlmBackend.Reload;

/// <summary>A changed configuration that was refused (the running one stayed in use).</summary>
/// <param name="At">When.</param>
/// <param name="Problems">Every problem found, as at startup (secrets redacted).</param>
internal sealed record ReloadFailure(DateTimeOffset At, IReadOnlyList<string> Problems);
