using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Routing;

/// <summary>A uniformly random order for each request.</summary>
internal sealed class RandomSelectionPolicy : IBackendSelectionPolicy
{
    private readonly Random _random;

    public RandomSelectionPolicy(Random random)
    {
        _random = random;
    }

    public BackendSelectionStrategy Strategy => BackendSelectionStrategy.Random;

    public void Order(List<BackendEntry> candidates)
    {
        for (var i = candidates.Count - 1; i > 0; i--)
        {
            var j = _random.Next(i + 1);
            (candidates[i], candidates[j]) = (candidates[j], candidates[i]);
        }
    }
}
