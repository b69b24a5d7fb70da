using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Pipeline;
using Mostlyucid.LlmBackend.Routing;

namespace Mostlyucid.LlmBackend.Spend;

/// <summary>
/// The budget stage: a request whose caller (<see cref="LlmCallContext.CallerName"/>) or route has spent its budget is
/// refused with <see cref="LlmErrorKind.BudgetExceeded"/> — naming the budget and when it resets — before anything is
/// routed. A backend whose own budget is spent is taken out of rotation by the router instead.
/// </summary>
internal sealed class BudgetGuardLlmService : DelegatingLlmService
{
    private readonly BudgetBook _budgets;
    private readonly BackendRegistry _registry;

    public BudgetGuardLlmService(ILlmService inner, BudgetBook budgets, BackendRegistry registry)
        : base(inner)
    {
        _budgets = budgets;
        _registry = registry;
    }

    public override Task<LlmResponse> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default) =>
        Refusal(request.Model) is { } error ? Task.FromResult(Refusals.Response(error)) : Inner.CompleteAsync(request, cancellationToken);

    public override Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default) =>
        Refusal(request.Model) is { } error ? Task.FromResult(Refusals.Response(error)) : Inner.ChatAsync(request, cancellationToken);

    public override Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default) =>
        Refusal(request.Model) is { } error ? Task.FromResult(new EmbeddingResponse { Error = error }) : Inner.EmbedAsync(request, cancellationToken);

    public override IAsyncEnumerable<ChatStreamUpdate> StreamChatAsync(ChatRequest request, CancellationToken cancellationToken = default) =>
        Refusal(request.Model) is { } error ? Refusals.Stream(error) : Inner.StreamChatAsync(request, cancellationToken);

    private LlmError? Refusal(string? model)
    {
        if (!_budgets.HasBudgets)
        {
            return null;
        }

        if (LlmCallContext.Current?.CallerName is { } caller && _budgets.Exhausted(BudgetScopes.CallerPrefix, caller) is { } callerSpent)
        {
            return callerSpent.ToError($"The caller '{caller}'");
        }

        if (model is not null
            && RouteNamed(model) is { } route
            && _budgets.Exhausted(BudgetScopes.RoutePrefix, route.Name) is { } routeSpent)
        {
            return routeSpent.ToError($"The route '{route.Name}'");
        }

        return null;
    }

    /// <summary>Gets the first route named <paramref name="model"/> (trimmed, case-insensitive), without allocating.</summary>
    private RouteConfig? RouteNamed(string model)
    {
        var routes = _registry.Settings.Routes;
        var wanted = model.AsSpan().Trim();
        for (var i = 0; i < routes.Count; i++)
        {
            if (routes[i].Name.AsSpan().Trim().Equals(wanted, StringComparison.OrdinalIgnoreCase))
            {
                return routes[i];
            }
        }

        return null;
    }
}
