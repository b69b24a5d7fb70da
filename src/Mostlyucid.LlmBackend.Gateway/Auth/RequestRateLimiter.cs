using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Gateway.Auth;

/// <summary>
/// Per-key request limits (<c>MaxRequestsPerMinute</c>) over fixed one-minute windows: in this process, or — with
/// <c>LlmSettings:Redis</c> — shared by every instance (<see cref="SharedLimits"/>).
/// </summary>
internal sealed class RequestRateLimiter
{
    private readonly FixedWindowCounter _requests;
    private readonly SharedLimits? _shared;

    public RequestRateLimiter(TimeProvider time, SharedLimits? shared = null)
    {
        _requests = new FixedWindowCounter(time);
        _shared = shared;
    }

    /// <summary>Counts a request for a key (in this process only).</summary>
    /// <returns><see langword="null"/> when allowed; otherwise how long to wait.</returns>
    public TimeSpan? TryAcquire(string key, int perMinute) => _requests.TryAdd(key, 1, perMinute);

    /// <summary>Counts a request for a key, across instances when the limits are shared.</summary>
    /// <returns>The verdict; when the shared store is unreachable, allowed by this instance's own count (fail open) or <see cref="LimitVerdict.Unavailable"/> (fail closed).</returns>
    public async ValueTask<LimitVerdict> TryAcquireAsync(string key, int perMinute, CancellationToken cancellationToken)
    {
        if (_shared is { } shared)
        {
            var verdict = await shared.TryAddAsync("requests:" + key, 1, perMinute, cancellationToken).ConfigureAwait(false);
            if (!verdict.StoreUnavailable || shared.WhenUnavailable == SharedLimitFailure.Refuse)
            {
                return verdict;
            }
        }

        return TryAcquire(key, perMinute) is { } wait ? LimitVerdict.Over(wait) : LimitVerdict.Allowed;
    }
}
