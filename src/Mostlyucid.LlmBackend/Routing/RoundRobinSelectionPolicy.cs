using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Routing;

/// <summary>Each request starts one backend further along (configuration order); the rest follow as fallbacks.</summary>
internal sealed class RoundRobinSelectionPolicy : IBackendSelectionPolicy
{
    private long _counter = -1;

    public BackendSelectionStrategy Strategy => BackendSelectionStrategy.RoundRobin;

    public void Order(List<BackendEntry> candidates)
    {
        if (candidates.Count < 2)
        {
            return;
        }

        var start = (int)((ulong)Interlocked.Increment(ref _counter) % (ulong)candidates.Count);
        if (start == 0)
        {
            return;
        }

        var rotated = new BackendEntry[candidates.Count];
        for (var i = 0; i < rotated.Length; i++)
        {
            rotated[i] = candidates[(start + i) % candidates.Count];
        }

        candidates.Clear();
        candidates.AddRange(rotated);
    }
}
