using Microsoft.Extensions.Caching.Distributed;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Interfaces;

/// <summary>
/// State several instances share (Redis): a distributed cache for answers and atomic windowed counters for per-key
/// limits. While the server is unreachable, calls fail fast (they never wait for it) and the callers decide: the cache
/// fails open, limits as configured. It reconnects by itself.
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
}
