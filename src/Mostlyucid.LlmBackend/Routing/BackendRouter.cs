using System.Collections.Concurrent;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Resilience;
using Mostlyucid.LlmBackend.Spend;

namespace Mostlyucid.LlmBackend.Routing;

/// <summary>
/// Decides which backends a request tries and in what order. The request's <c>Model</c> is resolved first: a route name
/// gives that route's backends and strategy; a backend's name gives that backend alone; a model some backends are
/// configured with gives those backends; any other model is passed through to every backend as an override. Then the
/// strategy orders the candidates, healthy before unhealthy, with the request's preferred backend first (or alone, with
/// the Specific strategy).
/// </summary>
internal sealed class BackendRouter
{
    private readonly BackendRegistry _registry;
    private readonly Random _random;
    private readonly ConcurrentDictionary<string, IBackendSelectionPolicy> _policies = new(StringComparer.OrdinalIgnoreCase);
    private readonly BudgetBook? _budgets;
    private volatile RoutableModelsSnapshot? _routable;

    public BackendRouter(BackendRegistry registry, Random random, BudgetBook? budgets = null)
    {
        _registry = registry;
        _random = random;
        _budgets = budgets;
    }

    /// <summary>Plans a request.</summary>
    /// <param name="preferredBackend">The request's preferred backend, if any.</param>
    /// <param name="model">The request's model, if any.</param>
    /// <param name="eligibility">For operations only some backends can do (embeddings): which can, and how to say why none could.</param>
    /// <returns>The plan.</returns>
    public RoutePlan Plan(string? preferredBackend, string? model, BackendEligibility? eligibility = null)
    {
        var settings = _registry.Settings;
        var entries = _registry.Entries;
        var strategy = settings.SelectionStrategy;
        var policyKey = string.Empty;
        var modelForBackends = string.IsNullOrWhiteSpace(model) ? null : model.Trim();
        List<BackendEntry> candidates;
        BackendEntry? only = null;
        var route = modelForBackends is null ? null : settings.Routes.FirstOrDefault(r => Same(r.Name, modelForBackends));

        if (route is not null)
        {
            candidates = entries.Where(e => route.Backends.Any(b => Same(b, e.Name)) && e.State.Status == BackendStatus.Ready).ToList();
            strategy = route.SelectionStrategy ?? strategy;
            policyKey = "route:" + route.Name;
            modelForBackends = null;
            if (candidates.Count == 0)
            {
                return Fail($"Route '{route.Name}' has no ready backend: " + string.Join("; ", entries.Where(e => route.Backends.Any(b => Same(b, e.Name))).Select(e => $"'{e.Name}' is {Describe(e)}")) + ".");
            }
        }
        else if (modelForBackends is not null && entries.FirstOrDefault(e => Same(e.Name, modelForBackends)) is { } named)
        {
            only = named;
            candidates = new List<BackendEntry> { named };
            modelForBackends = null;
        }
        else
        {
            candidates = entries.Where(e => e.State.Status == BackendStatus.Ready).ToList();
            if (modelForBackends is not null)
            {
                var serving = candidates.Where(e => Same(e.Config.ModelName, modelForBackends) || Same(e.Config.EmbeddingModelName, modelForBackends)).ToList();
                if (serving.Count > 0)
                {
                    candidates = serving;
                }
            }
        }

        var preferred = string.IsNullOrWhiteSpace(preferredBackend) ? null : preferredBackend.Trim();
        if (strategy == BackendSelectionStrategy.Specific && only is null)
        {
            preferred ??= settings.DefaultBackend;
            if (preferred is null)
            {
                return Fail("The Specific selection strategy needs the request's PreferredBackend or LlmSettings:DefaultBackend to name a backend.");
            }
        }

        if (preferred is not null)
        {
            var named = entries.FirstOrDefault(e => Same(e.Name, preferred));
            if (named is null)
            {
                return Fail($"Backend '{preferred}' does not exist. Configured backends: {string.Join(", ", entries.Select(e => e.Name))}.");
            }

            if (strategy == BackendSelectionStrategy.Specific && only is null)
            {
                only = named;
                candidates = new List<BackendEntry> { named };
            }
        }

        if (only is not null)
        {
            if (only.State.Status != BackendStatus.Ready)
            {
                return Fail($"Backend '{only.Name}' is {Describe(only)}.");
            }

            if (only.Breaker.State == CircuitState.Open)
            {
                return CircuitsOpen(new[] { only });
            }

            if (BudgetSpent(only) is { } spent)
            {
                return new RoutePlan(new List<BackendEntry>(), null, spent.ToError($"Backend '{only.Name}'"));
            }

            if (eligibility is not null && !eligibility.CanServe(only))
            {
                return Fail($"Backend '{only.Name}' cannot {eligibility.Operation}: {eligibility.Requirement}.");
            }

            return new RoutePlan(candidates, modelForBackends, null);
        }

        if (candidates.Count == 0)
        {
            return Fail("No backend is ready: " + string.Join("; ", entries.Select(e => $"'{e.Name}' is {Describe(e)}")) + ".");
        }

        if (eligibility is not null)
        {
            candidates.RemoveAll(e => !eligibility.CanServe(e));
            if (candidates.Count == 0)
            {
                return Fail($"No ready backend can {eligibility.Operation}: {eligibility.Requirement}.");
            }
        }

        if (route is not null && strategy == BackendSelectionStrategy.Failover)
        {
            // A route's failover order is the order it lists its backends in.
            candidates.Sort((a, b) => IndexIn(route, a).CompareTo(IndexIn(route, b)));
        }
        else
        {
            _policies.GetOrAdd($"{policyKey}|{strategy}", _ => BackendSelectionPolicies.Create(strategy, _random)).Order(candidates);
        }

        // An open circuit means the backend is resting after repeated failures: it is not tried until its probe is due.
        var open = candidates.Where(e => e.Breaker.State == CircuitState.Open).ToArray();
        if (open.Length == candidates.Count)
        {
            return CircuitsOpen(open);
        }

        candidates.RemoveAll(e => open.Contains(e));

        // A backend that has spent its budget is out of rotation until its period turns; the others carry on.
        if (_budgets is { HasBudgets: true })
        {
            var spent = candidates.Select(e => (Entry: e, Spent: BudgetSpent(e))).Where(s => s.Spent is not null).ToArray();
            if (spent.Length == candidates.Count)
            {
                return BudgetsSpent(spent.Select(s => s.Spent!).ToArray());
            }

            candidates.RemoveAll(e => spent.Any(s => s.Entry == e));
        }

        if (preferred is not null)
        {
            var index = candidates.FindIndex(e => Same(e.Name, preferred));
            if (index > 0)
            {
                var first = candidates[index];
                candidates.RemoveAt(index);
                candidates.Insert(0, first);
            }
        }

        return new RoutePlan(candidates, modelForBackends, null, route);
    }

    /// <summary>Lists the names a request's model can use: routes, backends, and configured models, with the ready backends each reaches.</summary>
    /// <remarks>
    /// Built once per set of ready backends (the registry swaps that set whole when a backend's state changes) and shared:
    /// the gateway checks every request's model against it.
    /// </remarks>
    public IReadOnlyList<RoutableModel> RoutableModels()
    {
        var settings = _registry.Settings;
        var ready = _registry.ReadyEntries;
        var cached = _routable;
        if (cached is not null && ReferenceEquals(cached.Ready, ready) && ReferenceEquals(cached.Settings, settings))
        {
            return cached.Models;
        }

        var models = BuildRoutableModels(settings, ready);
        _routable = new RoutableModelsSnapshot(ready, settings, models);
        return models;
    }

    private static RoutableModel[] BuildRoutableModels(LlmSettings settings, IReadOnlyList<BackendEntry> ready)
    {
        var models = new List<RoutableModel>();
        foreach (var route in settings.Routes)
        {
            models.Add(new RoutableModel { Name = route.Name, Kind = RoutableModelKind.Route, Backends = ready.Where(e => route.Backends.Any(b => Same(b, e.Name))).Select(e => e.Name).ToArray() });
        }

        foreach (var entry in ready)
        {
            models.Add(new RoutableModel { Name = entry.Name, Kind = RoutableModelKind.Backend, Backends = new[] { entry.Name } });
        }

        foreach (var name in ready.SelectMany(e => new[] { e.Config.ModelName, e.Config.EmbeddingModelName }).Where(n => !string.IsNullOrWhiteSpace(n)).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (models.Any(m => Same(m.Name, name)))
            {
                continue;
            }

            models.Add(new RoutableModel
            {
                Name = name!,
                Kind = RoutableModelKind.Model,
                Backends = ready.Where(e => Same(e.Config.ModelName, name) || Same(e.Config.EmbeddingModelName, name)).Select(e => e.Name).ToArray(),
            });
        }

        return models.ToArray();
    }

    private static int IndexIn(RouteConfig route, BackendEntry entry) => route.Backends.FindIndex(b => Same(b, entry.Name));

    private static bool Same(string? a, string? b) => a is not null && b is not null && string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    private static string Describe(BackendEntry entry)
    {
        var state = entry.State;
        return state.Status switch
        {
            BackendStatus.Ready => "ready",
            BackendStatus.Disabled => $"disabled ({state.Reason ?? "Enabled: false"})",
            BackendStatus.WaitingForPlugin => $"waiting for a plugin that provides backend type {entry.Config.EffectiveBackendType}",
            _ => $"failed: {state.Reason}",
        };
    }

    private static RoutePlan CircuitsOpen(IReadOnlyCollection<BackendEntry> open)
    {
        var wait = open.Min(e => e.Breaker.UntilProbe);
        return new RoutePlan(new List<BackendEntry>(), null, new LlmError
        {
            Kind = LlmErrorKind.CircuitOpen,
            Message = $"Every candidate backend ({string.Join(", ", open.Select(e => e.Name))}) is resting after repeated failures (circuit open); the first is probed again in {Math.Ceiling(wait.TotalSeconds)} s.",
            RetryAfter = wait,
        });
    }

    private static RoutePlan BudgetsSpent(IReadOnlyCollection<BudgetExhaustion> spent)
    {
        var soonest = spent.Where(s => s.ResetsAt is not null).OrderBy(s => s.ResetsAt).FirstOrDefault();
        var error = (soonest ?? spent.First()).ToError("Every candidate backend");
        return new RoutePlan(new List<BackendEntry>(), null, error with
        {
            Message = $"Every candidate backend has spent its budget ({string.Join(", ", spent.Select(s => s.Budget.Setting))}). {error.Message}",
        });
    }

    private BudgetExhaustion? BudgetSpent(BackendEntry entry) => _budgets?.Exhausted(BudgetScopes.BackendPrefix, entry.Name);

    private static RoutePlan Fail(string message) =>
        new(new List<BackendEntry>(), null, new LlmError { Kind = LlmErrorKind.NoBackendAvailable, Message = message });

    /// <summary>The routable models computed for one set of ready backends and settings.</summary>
    private sealed record RoutableModelsSnapshot(IReadOnlyList<BackendEntry> Ready, LlmSettings Settings, RoutableModel[] Models);
}
