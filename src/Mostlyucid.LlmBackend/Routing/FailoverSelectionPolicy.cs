using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Routing;

/// <summary>Lowest <c>Priority</c> first; ties keep configuration order.</summary>
internal sealed class FailoverSelectionPolicy : IBackendSelectionPolicy
{
    public BackendSelectionStrategy Strategy => BackendSelectionStrategy.Failover;

    public void Order(List<BackendEntry> candidates) =>
        candidates.Sort(static (a, b) => a.Config.Priority != b.Config.Priority ? a.Config.Priority.CompareTo(b.Config.Priority) : a.Index.CompareTo(b.Index));
}
