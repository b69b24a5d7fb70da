using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Routing;

/// <summary>
/// A random order drawn in proportion to <c>Weight</c> (weighted sampling without replacement): a backend with weight 3 is
/// first three times as often as one with weight 1. Weight 0 backends are only used as the last fallbacks.
/// </summary>
internal sealed class WeightedSelectionPolicy : IBackendSelectionPolicy
{
    private readonly Random _random;

    public WeightedSelectionPolicy(Random random)
    {
        _random = random;
    }

    public BackendSelectionStrategy Strategy => BackendSelectionStrategy.Weighted;

    public void Order(List<BackendEntry> candidates)
    {
        var keyed = new (double Key, BackendEntry Entry)[candidates.Count];
        for (var i = 0; i < keyed.Length; i++)
        {
            var weight = candidates[i].Config.Weight;

            // Efraimidis–Spirakis: key = u^(1/w); the largest keys come first.
            keyed[i] = (weight > 0 ? Math.Pow(_random.NextDouble(), 1.0 / weight) : -1 - candidates[i].Index, candidates[i]);
        }

        Array.Sort(keyed, static (a, b) => b.Key.CompareTo(a.Key));
        for (var i = 0; i < keyed.Length; i++)
        {
            candidates[i] = keyed[i].Entry;
        }
    }
}
