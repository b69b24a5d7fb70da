using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Interfaces;

/// <summary>
/// The usage ledger: one record per request (who, what, which backend and model, tokens, cost, latency, outcome), written
/// off the request path to the configured <see cref="IUsageStore"/>, and queryable as totals.
/// </summary>
public interface IUsageLedger
{
    /// <summary>Totals usage over a time range, grouped by caller, route, backend, model or day (waits for what was recorded to be written first).</summary>
    Task<IReadOnlyList<UsageTotal>> QueryAsync(UsageQuery query, CancellationToken cancellationToken = default);

    /// <summary>Writes everything recorded so far.</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>Gets how the ledger is doing.</summary>
    UsageLedgerStatus GetStatus();
}
