using System.Collections.Concurrent;

namespace Mostlyucid.LlmBackend.Gateway.Auth;

/// <summary>
/// Per-key request limits over a fixed one-minute window (on the injected clock). Over the limit, the caller is told how
/// long to wait until the window turns.
/// </summary>
internal sealed class RequestRateLimiter
{
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public RequestRateLimiter(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>Counts a request for a key.</summary>
    /// <returns><see langword="null"/> when allowed; otherwise how long to wait.</returns>
    public TimeSpan? TryAcquire(string key, int perMinute)
    {
        var now = _time.GetUtcNow();
        var window = _windows.GetOrAdd(key, _ => new Window());
        lock (window)
        {
            if (now - window.Start >= TimeSpan.FromMinutes(1))
            {
                window.Start = now;
                window.Count = 0;
            }

            if (window.Count >= perMinute)
            {
                return window.Start + TimeSpan.FromMinutes(1) - now;
            }

            window.Count++;
            return null;
        }
    }

    private sealed class Window
    {
        public DateTimeOffset Start { get; set; } = DateTimeOffset.MinValue;

        public int Count { get; set; }
    }
}
