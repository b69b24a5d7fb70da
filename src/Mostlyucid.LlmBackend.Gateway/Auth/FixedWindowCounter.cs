using System.Collections.Concurrent;

namespace Mostlyucid.LlmBackend.Gateway.Auth;

/// <summary>
/// Per-key counts over fixed one-minute windows on the injected clock, each key's count changed under its own lock (exact
/// under concurrency). Over a limit, the caller is told how long until the window turns.
/// </summary>
internal sealed class FixedWindowCounter
{
    private static readonly TimeSpan WindowLength = TimeSpan.FromMinutes(1);
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public FixedWindowCounter(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>Adds <paramref name="amount"/> unless the key is already at <paramref name="limit"/>.</summary>
    /// <returns><see langword="null"/> when added; otherwise how long to wait.</returns>
    public TimeSpan? TryAdd(string key, long amount, long limit)
    {
        var now = _time.GetUtcNow();
        var window = _windows.GetOrAdd(key, _ => new Window());
        lock (window)
        {
            Turn(window, now);
            if (window.Count >= limit)
            {
                return window.Start + WindowLength - now;
            }

            window.Count += amount;
            return null;
        }
    }

    /// <summary>Adds <paramref name="amount"/> whatever the count (for usage known only afterwards).</summary>
    public void Add(string key, long amount)
    {
        var window = _windows.GetOrAdd(key, _ => new Window());
        lock (window)
        {
            Turn(window, _time.GetUtcNow());
            window.Count += amount;
        }
    }

    private static void Turn(Window window, DateTimeOffset now)
    {
        if (now - window.Start >= WindowLength)
        {
            window.Start = now;
            window.Count = 0;
        }
    }

    private sealed class Window
    {
        public DateTimeOffset Start { get; set; } = DateTimeOffset.MinValue;

        public long Count { get; set; }
    }
}
