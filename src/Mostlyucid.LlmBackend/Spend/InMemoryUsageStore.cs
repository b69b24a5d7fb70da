using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Spend;

/// <summary>
/// The usage store when no database is configured (<c>LlmSettings:Usage:Store</c> = <c>Memory</c>): everything in this
/// process, gone when it stops. Budgets hold for one instance. It keeps the most recent <see cref="MaxRecords"/> records
/// (the oldest tenth is let go when that is reached, so a long-running process does not grow without end); budget spend
/// is kept whole.
/// </summary>
internal sealed class InMemoryUsageStore : IUsageStore
{
    /// <summary>The most records kept.</summary>
    public const int MaxRecords = 100_000;

    private readonly object _gate = new();
    private readonly List<UsageRecord> _records = new();
    private readonly Dictionary<SpendPeriod, decimal> _spend = new();

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task AppendAsync(IReadOnlyList<UsageRecord> records, IReadOnlyDictionary<SpendPeriod, decimal> spend, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _records.AddRange(records);
            if (_records.Count > MaxRecords)
            {
                _records.RemoveRange(0, _records.Count - MaxRecords + (MaxRecords / 10));
            }

            foreach (var (period, amount) in spend)
            {
                _spend[period] = _spend.GetValueOrDefault(period) + amount;
            }
        }

        return Task.CompletedTask;
    }

    public Task SeedSpendAsync(IReadOnlyDictionary<SpendPeriod, decimal> spend, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            foreach (var (period, amount) in spend)
            {
                _spend.TryAdd(period, amount);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<SpendPeriod, decimal>> ReadSpendAsync(IReadOnlyCollection<SpendPeriod> periods, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyDictionary<SpendPeriod, decimal>>(periods.Distinct().ToDictionary(p => p, p => _spend.GetValueOrDefault(p)));
        }
    }

    public Task<IReadOnlyList<UsageTotal>> QueryAsync(UsageQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        UsageRecord[] matching;
        lock (_gate)
        {
            matching = _records
                .Where(r => r.Timestamp >= query.From && r.Timestamp < query.To && (query.CallerName is null || string.Equals(r.CallerName, query.CallerName, StringComparison.Ordinal)))
                .ToArray();
        }

        IReadOnlyList<UsageTotal> totals = matching
            .GroupBy(r => UsageGroups.KeyOf(r, query.GroupBy), StringComparer.Ordinal)
            .Select(g => new UsageTotal
            {
                Key = g.Key,
                Requests = g.LongCount(),
                Failed = g.LongCount(r => r.Outcome != UsageOutcome.Succeeded),
                PromptTokens = g.Sum(r => (long)r.PromptTokens),
                CompletionTokens = g.Sum(r => (long)r.CompletionTokens),
                CostUsd = g.Sum(r => r.CostUsd ?? 0m),
                UnpricedRequests = g.LongCount(r => r.CostUsd is null),
                CacheHits = g.LongCount(r => r.CacheHit),
            })
            .OrderByDescending(t => t.CostUsd)
            .ThenBy(t => t.Key, StringComparer.Ordinal)
            .ToArray();
        return Task.FromResult(totals);
    }

    public Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_records.RemoveAll(r => r.Timestamp < cutoff));
        }
    }
}
