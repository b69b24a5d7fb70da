using Microsoft.Extensions.Caching.Distributed;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Interfaces;

/// <summary>
/// State several instances share (Redis): a distributed cache for answers, atomic windowed counters for per-key limits
/// and spend counters for budgets. While the server is unreachable, calls fail fast (they never wait for it) and the
/// callers decide: the cache fails open, limits as configured, budgets count from the usage ledger. It reconnects by
/// itself.
/// </summary>
public interface ISharedState
{
    /// <summary>Gets the store's name for reports (<c>Redis</c>).</summary>
    string Name { get; }

    /// <summary>Gets the distributed cache the response cache keeps answers in.</summary>
    IDistributedCache Cache { get; }

    /// <summary>Gets whether the server is reachable now.</summary>
    bool Available { get; }

    /// <summary>Gets the last failure (redacted: never the password), if any.</summary>
    string? LastError { get; }

    /// <summary>
    /// Adds <paramref name="amount"/> to the counter <paramref name="key"/> in its fixed window unless it already reached
    /// <paramref name="limit"/>, atomically for every instance. The window starts at the counter's first addition and
    /// lasts <paramref name="window"/>.
    /// </summary>
    /// <param name="key">The counter (prefixed by the implementation).</param>
    /// <param name="amount">What to add (0 only checks).</param>
    /// <param name="limit">The count at which additions are refused.</param>
    /// <param name="window">The window's length.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether it was added, and when it was not how long until the window turns.</returns>
    /// <exception cref="SharedStateUnavailableException">The server could not be reached.</exception>
    ValueTask<SharedCount> TryAddAsync(string key, long amount, long limit, TimeSpan window, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds <paramref name="amountUsd"/> to the spend counter <paramref name="key"/> and returns its new total, in one
    /// atomic step for every instance, and tells every instance that watches (<see cref="WatchSpendAsync"/>) the new
    /// total. A counter that is missing — its first use, or the server lost its data — or lower than
    /// <paramref name="floorUsd"/> first starts from <paramref name="floorUsd"/>: what the caller knows was spent (the
    /// usage store's total), so a lost counter never starts again from 0. Money is counted exactly, in whole nano-dollars
    /// (each amount rounded half away from zero, as the usage stores round it).
    /// </summary>
    /// <param name="key">The counter (prefixed by the implementation).</param>
    /// <param name="amountUsd">What to add, in US dollars (0 only reads, after applying the floor).</param>
    /// <param name="floorUsd">The least the counter may hold, in US dollars.</param>
    /// <param name="expiresAt">When the counter is deleted (renewed by every call).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The counter's total after the call, in US dollars.</returns>
    /// <exception cref="SharedStateUnavailableException">The server could not be reached (the amount may or may not have been added).</exception>
    ValueTask<decimal> AddSpendAsync(string key, decimal amountUsd, decimal floorUsd, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Calls <paramref name="onTotal"/> with a spend counter's key and new total each time any instance changes it through
    /// <see cref="AddSpendAsync"/> (on the client library's thread: keep it short). Totals changed while this instance
    /// was disconnected are not replayed — read them again with <see cref="AddSpendAsync"/> and an amount of 0. The
    /// subscription survives reconnects, and is kept even when the server is unreachable when it is made.
    /// </summary>
    /// <param name="onTotal">Receives the counter's key (as given to <see cref="AddSpendAsync"/>) and its total in US dollars.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Stops watching when disposed.</returns>
    Task<IDisposable> WatchSpendAsync(Action<string, decimal> onTotal, CancellationToken cancellationToken = default);
}
