using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Reload;

namespace Mostlyucid.LlmBackend.Routing;

/// <summary>
/// A reloaded configuration built beside the running one (<see cref="BackendRegistry.Prepare"/>): validated whole, its new
/// and changed backends already created. It is swapped in by <see cref="BackendRegistry.Commit"/> only when it has no
/// problems, or thrown away by <see cref="BackendRegistry.Discard"/>.
/// </summary>
internal sealed class RegistryCandidate
{
    public RegistryCandidate(
        LlmSettings settings,
        IReadOnlyList<string> problems,
        IReadOnlyList<string> restartNeeded,
        IReadOnlyList<PlannedEntry>? entries,
        IReadOnlyList<ILlmBackend> created,
        ReloadChanges changes)
    {
        Settings = settings;
        Problems = problems;
        RestartNeeded = restartNeeded;
        Entries = entries;
        Created = created;
        Changes = changes;
    }

    /// <summary>Gets the settings (with the running values of the startup-only parts).</summary>
    public LlmSettings Settings { get; }

    /// <summary>Gets every problem found; the candidate may be committed only when there is none.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Gets the startup-only settings that changed: they take effect at the next restart.</summary>
    public IReadOnlyList<string> RestartNeeded { get; }

    /// <summary>Gets the backends, in configuration order; <see langword="null"/> when the backends have not been created yet (they will be from these settings).</summary>
    public IReadOnlyList<PlannedEntry>? Entries { get; }

    /// <summary>Gets the backend objects created for it (disposed if it is discarded).</summary>
    public IReadOnlyList<ILlmBackend> Created { get; }

    /// <summary>Gets what it changes.</summary>
    public ReloadChanges Changes { get; }
}

/// <summary>A backend of a <see cref="RegistryCandidate"/>.</summary>
/// <param name="Entry">The entry (a backend that remains carries its running statistics and circuit breaker).</param>
/// <param name="KeptFrom">The running entry whose backend it keeps (same settings), whose state is taken when the candidate is committed.</param>
internal sealed record PlannedEntry(BackendEntry Entry, BackendEntry? KeptFrom);
