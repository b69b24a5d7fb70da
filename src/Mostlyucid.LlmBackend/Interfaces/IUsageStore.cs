using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Interfaces;

/// <summary>
/// Where the usage ledger and budget spend are kept: in memory, a SQLite file (<c>Mostlyucid.LlmBackend.Sqlite</c>) or
/// PostgreSQL shared by several instances (<c>Mostlyucid.LlmBackend.PostgreSql</c>). The ledger writes to it off the
/// request path, in batches.
/// </summary>
public interface IUsageStore
{
    /// <summary>Creates or migrates what the store needs (tables, indexes). Called once, before anything else.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Appends records and adds spend to budget periods, together (all or nothing).</summary>
    /// <param name="records">The records.</param>
    /// <param name="spend">What the records add to each budget period.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    Task AppendAsync(IReadOnlyList<UsageRecord> records, IReadOnlyDictionary<SpendPeriod, decimal> spend, CancellationToken cancellationToken);

    /// <summary>Reads what has been spent in budget periods — by every instance sharing the store.</summary>
    Task<IReadOnlyDictionary<SpendPeriod, decimal>> ReadSpendAsync(IReadOnlyCollection<SpendPeriod> periods, CancellationToken cancellationToken);

    /// <summary>
    /// Starts the spend of budget periods the store has none for yet — a budget new to the store starts from what the
    /// ledger's records say was spent — and leaves alone those it has (another instance may have started them).
    /// </summary>
    /// <param name="spend">What each period has spent so far, by the records.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    Task SeedSpendAsync(IReadOnlyDictionary<SpendPeriod, decimal> spend, CancellationToken cancellationToken);

    /// <summary>Totals usage over a time range.</summary>
    Task<IReadOnlyList<UsageTotal>> QueryAsync(UsageQuery query, CancellationToken cancellationToken);

    /// <summary>Deletes records older than <paramref name="cutoff"/> (spend counters are kept).</summary>
    /// <returns>How many records were deleted.</returns>
    Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}
