namespace Mostlyucid.LlmBackend.Models;

/// <summary>How a request recorded in the usage ledger ended.</summary>
public enum UsageOutcome
{
    /// <summary>It was answered.</summary>
    Succeeded,

    /// <summary>It ended with an error (including a stream cut that could not be completed).</summary>
    Failed,

    /// <summary>The caller cancelled it (or went away).</summary>
    Cancelled,
}
