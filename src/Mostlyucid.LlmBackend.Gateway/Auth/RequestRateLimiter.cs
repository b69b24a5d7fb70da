namespace Mostlyucid.LlmBackend.Gateway.Auth;

/// <summary>Per-key request limits (<c>MaxRequestsPerMinute</c>) over fixed one-minute windows.</summary>
internal sealed class RequestRateLimiter
{
    private readonly FixedWindowCounter _requests;

    public RequestRateLimiter(TimeProvider time)
    {
        _requests = new FixedWindowCounter(time);
    }

    /// <summary>Counts a request for a key.</summary>
    /// <returns><see langword="null"/> when allowed; otherwise how long to wait.</returns>
    public TimeSpan? TryAcquire(string key, int perMinute) => _requests.TryAdd(key, 1, perMinute);
}
