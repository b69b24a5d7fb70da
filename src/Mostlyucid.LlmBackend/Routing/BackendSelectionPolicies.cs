using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Routing;

/// <summary>Creates the policy for a configured strategy. <c>Specific</c> needs no ordering and uses Failover's.</summary>
internal static class BackendSelectionPolicies
{
    public static IBackendSelectionPolicy Create(BackendSelectionStrategy strategy, Random random) => strategy switch
    {
        BackendSelectionStrategy.RoundRobin => new RoundRobinSelectionPolicy(),
        BackendSelectionStrategy.LowestLatency => new LowestLatencySelectionPolicy(),
        BackendSelectionStrategy.Random => new RandomSelectionPolicy(random),
        BackendSelectionStrategy.Weighted => new WeightedSelectionPolicy(random),
        _ => new FailoverSelectionPolicy(),
    };
}
