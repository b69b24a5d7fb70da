namespace Mostlyucid.LlmBackend.Models;

/// <summary>A plugin that could not be loaded, and why. The host carries on without it.</summary>
public sealed record PluginLoadFailure
{
    /// <summary>Gets the DLL (or referenced assembly) the failure concerns.</summary>
    public required string Source { get; init; }

    /// <summary>Gets what went wrong and what to do about it.</summary>
    public required string Reason { get; init; }

    /// <summary>Gets when it happened.</summary>
    public DateTimeOffset At { get; init; }
}
