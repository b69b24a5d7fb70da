using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Telemetry;

namespace Mostlyucid.LlmBackend.Spend;

/// <summary>
/// Every budget and what has been spent against it in its current period: what the store says every instance has
/// written (re-read every <c>Usage:SpendRefreshSeconds</c>), plus what this instance has recorded but not yet written.
/// With shared counters (<see cref="SharedBudgetCounters"/>, on Redis) it also keeps the latest total every instance
/// has added to the shared counter, plus what this instance has recorded but the counter has not counted yet; a budget
/// has spent the larger of the two. Checking a budget is a dictionary read under a short lock — never a database or
/// Redis call on the request path.
/// </summary>
internal sealed class BudgetBook
{
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<SpendPeriod, bool> _announced = new();
    private readonly ConcurrentDictionary<string, Budget> _budgets = new(StringComparer.OrdinalIgnoreCase);
#if NET9_0_OR_GREATER
    private readonly ConcurrentDictionary<string, Budget>.AlternateLookup<ReadOnlySpan<char>> _budgetsBySpan;
#endif
    private readonly object _gate = new();
    private readonly Dictionary<SpendPeriod, decimal> _written = new();
    private readonly Dictionary<SpendPeriod, decimal> _pending = new();

    // Only with shared counters (null otherwise, so a book without them does no more than before): the largest total the
    // shared counter reported (or that total plus this instance's spend the counter could not take), and what this
    // instance recorded that the counter has not answered for yet.
    private Dictionary<SpendPeriod, decimal>? _shared;
    private Dictionary<SpendPeriod, decimal>? _unsent;

    public BudgetBook(TimeProvider time, ILogger logger)
    {
        _time = time;
        _logger = logger;
#if NET9_0_OR_GREATER
        _budgetsBySpan = _budgets.GetAlternateLookup<ReadOnlySpan<char>>();
#endif
    }

    /// <summary>Makes the book with the budgets of the settings: every backend's and route's <c>MaxSpendUsd</c>.</summary>
    public static BudgetBook From(LlmSettings settings, TimeProvider time, ILogger logger)
    {
        var book = new BudgetBook(time, logger);
        foreach (var budget in BackendBudgets(settings).Concat(RouteBudgets(settings)))
        {
            book.Add(budget);
        }

        return book;
    }

    /// <summary>Gets the budgets of the backends (<c>LlmSettings:Backends:N:MaxSpendUsd</c>).</summary>
    public static IEnumerable<Budget> BackendBudgets(LlmSettings settings)
    {
        for (var i = 0; i < settings.Backends.Count; i++)
        {
            var backend = settings.Backends[i];
            if (backend.MaxSpendUsd is { } limit)
            {
                yield return new Budget(BudgetScopes.Backend(backend.Name), $"{LlmSettingsValidator.PathOf(backend, i)}:MaxSpendUsd", limit, backend.SpendResetPeriod, backend.SpendResetDayOfWeek, backend.SpendResetDayOfMonth, backend.LogBudgetExceeded);
            }
        }
    }

    /// <summary>Gets the budgets of the routes (<c>LlmSettings:Routes:N:MaxSpendUsd</c>).</summary>
    public static IEnumerable<Budget> RouteBudgets(LlmSettings settings)
    {
        for (var i = 0; i < settings.Routes.Count; i++)
        {
            var route = settings.Routes[i];
            if (route.MaxSpendUsd is { } limit)
            {
                yield return new Budget(BudgetScopes.Route(route.Name), $"{LlmSettings.SectionName}:Routes:{i}:MaxSpendUsd", limit, route.SpendResetPeriod, route.SpendResetDayOfWeek, route.SpendResetDayOfMonth, LogExceeded: true);
            }
        }
    }

    /// <summary>Gets whether any budget is configured.</summary>
    public bool HasBudgets => !_budgets.IsEmpty;

    /// <summary>Adds (or replaces) a budget.</summary>
    public void Add(Budget budget) => _budgets[budget.Scope] = budget;

    /// <summary>
    /// Replaces every budget whose scope starts with <paramref name="prefix"/> (a <see cref="BudgetScopes"/> prefix) with
    /// <paramref name="budgets"/>, for a reloaded configuration. What has been spent is kept by scope, so a budget that
    /// remains — even with a new limit — carries its spend over; a removed one stops counting.
    /// </summary>
    public void Replace(string prefix, IEnumerable<Budget> budgets)
    {
        var kept = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var budget in budgets)
        {
            _budgets[budget.Scope] = budget;
            kept.Add(budget.Scope);
        }

        foreach (var scope in _budgets.Keys)
        {
            if (scope.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && !kept.Contains(scope))
            {
                _budgets.TryRemove(scope, out _);
            }
        }
    }

    /// <summary>Gets every budget.</summary>
    public IReadOnlyCollection<Budget> All() => _budgets.Values.ToArray();

    /// <summary>Gets a scope's budget, if it has one.</summary>
    public Budget? Find(string scope) => _budgets.GetValueOrDefault(scope);

    /// <summary>Gets the budget of the scope <paramref name="prefix"/> + <paramref name="name"/> (a <see cref="BudgetScopes"/> prefix), without building the scope's name.</summary>
    public Budget? Find(string prefix, string name)
    {
        if (_budgets.IsEmpty)
        {
            return null;
        }

#if NET9_0_OR_GREATER
        var length = prefix.Length + name.Length;
        Span<char> scope = length <= 256 ? stackalloc char[length] : new char[length];
        prefix.CopyTo(scope);
        name.CopyTo(scope[prefix.Length..]);
        return _budgetsBySpan.TryGetValue(scope, out var budget) ? budget : null;
#else
        return _budgets.GetValueOrDefault(prefix + name);
#endif
    }

    /// <summary>
    /// Adds what a request spent against the scope <paramref name="prefix"/> + <paramref name="name"/> to
    /// <paramref name="into"/> (one entry a period), when the scope has a budget.
    /// </summary>
    public void Charge(List<KeyValuePair<SpendPeriod, decimal>> into, string prefix, string? name, decimal? amount, DateTimeOffset at)
    {
        if (name is null || amount is not > 0 || Find(prefix, name) is not { } budget)
        {
            return;
        }

        var period = new SpendPeriod(budget.Scope, budget.PeriodStart(at));
        for (var i = 0; i < into.Count; i++)
        {
            if (into[i].Key == period)
            {
                into[i] = new(period, into[i].Value + amount.Value);
                return;
            }
        }

        into.Add(new(period, amount.Value));
    }

    /// <summary>Gets the current period of every budget, to read their spend from the store.</summary>
    public IReadOnlyCollection<SpendPeriod> CurrentPeriods()
    {
        var now = _time.GetUtcNow();
        return _budgets.Values.Select(b => new SpendPeriod(b.Scope, b.PeriodStart(now))).ToArray();
    }

    /// <summary>A request was recorded: its spend counts at once, before it is written (and before the shared counter has it).</summary>
    public void Recorded(IReadOnlyCollection<KeyValuePair<SpendPeriod, decimal>> spend)
    {
        lock (_gate)
        {
            AddAll(_pending, spend, 1);
            if (_unsent is not null)
            {
                AddAll(_unsent, spend, 1);
            }
        }
    }

    /// <summary>Spend was written to the store (until the next refresh, assume it is there).</summary>
    public void Written(IReadOnlyDictionary<SpendPeriod, decimal> spend)
    {
        lock (_gate)
        {
            AddAll(_pending, spend, -1);
            AddAll(_written, spend, 1);
        }
    }

    /// <summary>Spend that could not be written and was dropped: it no longer counts (in the ledger's view).</summary>
    public void Dropped(IReadOnlyDictionary<SpendPeriod, decimal> spend)
    {
        lock (_gate)
        {
            AddAll(_pending, spend, -1);
        }
    }

    /// <summary>Shared counters are in use: from now on the book also keeps every instance's spend as they report it.</summary>
    public void UseSharedCounters()
    {
        lock (_gate)
        {
            _shared ??= new Dictionary<SpendPeriod, decimal>();
            _unsent ??= new Dictionary<SpendPeriod, decimal>();
        }
    }

    /// <summary>
    /// Gets the least the shared counter of <paramref name="period"/> should hold: the larger of what the store says every
    /// instance has written and the latest shared total known here — never what this instance has not sent yet.
    /// </summary>
    public decimal SharedFloor(SpendPeriod period)
    {
        lock (_gate)
        {
            return Math.Max(_written.GetValueOrDefault(period), _shared?.GetValueOrDefault(period) ?? 0m);
        }
    }

    /// <summary>The shared counter took <paramref name="amount"/> of this instance's spend and answered with its <paramref name="total"/>.</summary>
    public void SharedAdded(SpendPeriod period, decimal amount, decimal total)
    {
        lock (_gate)
        {
            if (_unsent is null || _shared is null)
            {
                return;
            }

            AddOne(_unsent, period, -amount);
            RaiseShared(period, total);
        }
    }

    /// <summary>The shared counter of <paramref name="period"/> holds <paramref name="total"/> (another instance added to it, or a refresh read it).</summary>
    public void SharedSeen(SpendPeriod period, decimal total)
    {
        lock (_gate)
        {
            if (_shared is not null)
            {
                RaiseShared(period, total);
            }
        }
    }

    /// <summary>
    /// The shared counter could not take <paramref name="amount"/> (unreachable): it still counts here, on top of the last
    /// shared total, and reaches the counter through the store (the next refresh raises the counter to the store's total).
    /// </summary>
    public void NotShared(SpendPeriod period, decimal amount)
    {
        lock (_gate)
        {
            if (_unsent is null || _shared is null)
            {
                return;
            }

            AddOne(_unsent, period, -amount);
            _shared[period] = _shared.GetValueOrDefault(period) + amount;
        }
    }

    /// <summary>What every instance has written, as the store read it.</summary>
    public void Refreshed(IReadOnlyDictionary<SpendPeriod, decimal> spent)
    {
        lock (_gate)
        {
            foreach (var (period, amount) in spent)
            {
                _written[period] = amount;
            }
        }
    }

    /// <summary>Gets what has been spent against a scope's budget in its current period.</summary>
    public decimal Spent(Budget budget)
    {
        var period = new SpendPeriod(budget.Scope, budget.PeriodStart(_time.GetUtcNow()));
        lock (_gate)
        {
            var ledger = _written.GetValueOrDefault(period) + _pending.GetValueOrDefault(period);
            return _shared is null ? ledger : Math.Max(ledger, _shared.GetValueOrDefault(period) + _unsent!.GetValueOrDefault(period));
        }
    }

    /// <summary>Gets the scope's budget when it is spent; <see langword="null"/> when there is none or money is left.</summary>
    public BudgetExhaustion? Exhausted(string scope) => _budgets.TryGetValue(scope, out var budget) ? Exhausted(budget) : null;

    /// <summary>
    /// Gets the budget of the scope <paramref name="prefix"/> + <paramref name="name"/> when it is spent;
    /// <see langword="null"/> when there is none or money is left.
    /// </summary>
    public BudgetExhaustion? Exhausted(string prefix, string name) => Find(prefix, name) is { } budget ? Exhausted(budget) : null;

    private BudgetExhaustion? Exhausted(Budget budget)
    {
        var spent = Spent(budget);
        if (spent < budget.LimitUsd)
        {
            return null;
        }

        var now = _time.GetUtcNow();
        var exhaustion = new BudgetExhaustion(budget, spent, budget.NextReset(now), now);
        if (budget.LogExceeded && _announced.TryAdd(new SpendPeriod(budget.Scope, budget.PeriodStart(now)), true))
        {
            Log.BudgetExceeded(_logger, budget.Setting, decimal.Round(spent, 4), budget.LimitUsd, budget.Scope, exhaustion.ResetsAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "it is raised");
        }

        return exhaustion;
    }

    /// <summary>Adds (or takes away) every amount; the caller holds <see cref="_gate"/>.</summary>
    private void AddAll(Dictionary<SpendPeriod, decimal> into, IReadOnlyCollection<KeyValuePair<SpendPeriod, decimal>> spend, int sign)
    {
        // The common cases (a request's charges, a batch's), enumerated without boxing an enumerator.
        if (spend is KeyValuePair<SpendPeriod, decimal>[] charges)
        {
            foreach (var (period, amount) in charges)
            {
                AddOne(into, period, sign * amount);
            }

            return;
        }

        if (spend is Dictionary<SpendPeriod, decimal> concrete)
        {
            foreach (var (period, amount) in concrete)
            {
                AddOne(into, period, sign * amount);
            }

            return;
        }

        foreach (var (period, amount) in spend)
        {
            AddOne(into, period, sign * amount);
        }
    }

    private void AddOne(Dictionary<SpendPeriod, decimal> into, SpendPeriod period, decimal amount)
    {
        var total = into.GetValueOrDefault(period) + amount;
        if (total <= 0m && (ReferenceEquals(into, _pending) || ReferenceEquals(into, _unsent)))
        {
            into.Remove(period);
        }
        else
        {
            into[period] = total;
        }
    }

    /// <summary>A period's shared total only grows: a lower one is older news (or a counter Redis lost, raised again soon).</summary>
    private void RaiseShared(SpendPeriod period, decimal total)
    {
        if (_shared is not null && total > _shared.GetValueOrDefault(period))
        {
            _shared[period] = total;
        }
    }
}
