using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Routing;

/// <summary>
/// Fastest recent latency first (a moving average of successes). Backends without a measurement come first so they get
/// one; ties fall back to <c>Priority</c>.
/// </summary>
internal sealed class LowestLatencySelectionPolicy : IBackendSelectionPolicy
{
    public BackendSelectionStrategy Strategy => BackendSelectionStrategy.LowestLatency;

    public void Order(List<BackendEntry> candidates)
    {
        var keyed = new (double Latency, BackendEntry Entry)[candidates.Count];
        for (var i = 0; i < keyed.Length; i++)
        {
            keyed[i] = (candidates[i].Metrics.LatencyEstimateMs ?? -1, candidates[i]);
        }

        Array.Sort(keyed, static (a, b) =>
        {
            var byLatency = a.Latency.CompareTo(b.Latency);
            if (byLatency != 0)
            {
                return byLatency;
            }

            return a.Entry.Config.Priority != b.Entry.Config.Priority
                ? a.Entry.Config.Priority.CompareTo(b.Entry.Config.Priority)
                : a.Entry.Index.CompareTo(b.Entry.Index);
        });
        for (var i = 0; i < keyed.Length; i++)
        {
            candidates[i] = keyed[i].Entry;
        }
    }
}
