using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Routing;

/// <summary>
/// Decides which backends a request tries and in what order: the strategy's order, healthy backends before unhealthy
/// ones, the request's preferred backend first (or alone, with the Specific strategy).
/// </summary>
internal sealed class BackendRouter
{
    private readonly BackendRegistry _registry;
    private readonly Lazy<IBackendSelectionPolicy> _policy;

    public BackendRouter(BackendRegistry registry, Random random)
    {
        _registry = registry;
        _policy = new Lazy<IBackendSelectionPolicy>(() => BackendSelectionPolicies.Create(registry.Settings.SelectionStrategy, random));
    }

    /// <summary>Fills <paramref name="plan"/> with the backends to try, in order.</summary>
    /// <param name="preferredBackend">The request's preferred backend, if any.</param>
    /// <param name="plan">Receives the plan.</param>
    /// <param name="eligibility">For operations only some backends can do (embeddings): which can, and how to say why none could.</param>
    /// <returns>Why nothing can be tried, or <see langword="null"/> when the plan has at least one backend.</returns>
    public LlmError? Plan(string? preferredBackend, List<BackendEntry> plan, BackendEligibility? eligibility = null)
    {
        var settings = _registry.Settings;
        var ready = _registry.ReadyEntries;
        var strategy = settings.SelectionStrategy;
        var preferred = string.IsNullOrWhiteSpace(preferredBackend) ? null : preferredBackend.Trim();
        if (strategy == BackendSelectionStrategy.Specific)
        {
            preferred ??= settings.DefaultBackend;
            if (preferred is null)
            {
                return NoBackend("The Specific selection strategy needs the request's PreferredBackend or LlmSettings:DefaultBackend to name a backend.");
            }
        }

        if (preferred is not null)
        {
            var named = _registry.Entries.FirstOrDefault(e => string.Equals(e.Name, preferred, StringComparison.OrdinalIgnoreCase));
            if (named is null)
            {
                return NoBackend($"Backend '{preferred}' does not exist. Configured backends: {string.Join(", ", _registry.Entries.Select(e => e.Name))}.");
            }

            if (eligibility is not null && named.State.Status == BackendStatus.Ready && !eligibility.CanServe(named))
            {
                return NoBackend($"Backend '{named.Name}' cannot {eligibility.Operation}: {eligibility.Requirement}.");
            }

            if (strategy == BackendSelectionStrategy.Specific)
            {
                if (named.State.Status != BackendStatus.Ready)
                {
                    return NoBackend($"Backend '{named.Name}' is {Describe(named)}.");
                }

                plan.Add(named);
                return null;
            }
        }

        plan.AddRange(ready);
        if (plan.Count == 0)
        {
            return NoBackend("No backend is ready: " + string.Join("; ", _registry.Entries.Select(e => $"'{e.Name}' is {Describe(e)}")) + ".");
        }

        if (eligibility is not null)
        {
            plan.RemoveAll(e => !eligibility.CanServe(e));
            if (plan.Count == 0)
            {
                return NoBackend($"No ready backend can {eligibility.Operation}: {eligibility.Requirement}.");
            }
        }

        _policy.Value.Order(plan);
        MoveUnhealthyLast(plan);
        if (preferred is not null)
        {
            var index = plan.FindIndex(e => string.Equals(e.Name, preferred, StringComparison.OrdinalIgnoreCase));
            if (index > 0)
            {
                var first = plan[index];
                plan.RemoveAt(index);
                plan.Insert(0, first);
            }
        }

        return null;
    }

    private static void MoveUnhealthyLast(List<BackendEntry> plan)
    {
        List<BackendEntry>? unhealthy = null;
        for (var i = 0; i < plan.Count;)
        {
            if (!plan[i].Metrics.IsHealthy)
            {
                (unhealthy ??= new List<BackendEntry>()).Add(plan[i]);
                plan.RemoveAt(i);
            }
            else
            {
                i++;
            }
        }

        if (unhealthy is not null)
        {
            plan.AddRange(unhealthy);
        }
    }

    private static string Describe(BackendEntry entry)
    {
        var state = entry.State;
        return state.Status switch
        {
            BackendStatus.Ready => "ready",
            BackendStatus.Disabled => "disabled (Enabled: false)",
            BackendStatus.WaitingForPlugin => $"waiting for a plugin that provides backend type {entry.Config.EffectiveBackendType}",
            _ => $"failed: {state.Reason}",
        };
    }

    private static LlmError NoBackend(string message) => new() { Kind = LlmErrorKind.NoBackendAvailable, Message = message };
}
