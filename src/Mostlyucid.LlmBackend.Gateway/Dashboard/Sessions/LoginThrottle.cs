using System.Collections.Concurrent;
using System.Net;

namespace Mostlyucid.LlmBackend.Gateway.Dashboard.Sessions;

/// <summary>
/// Slows key guessing at the login page: a client address that failed <c>MaxLoginFailures</c> times within 15 minutes
/// is refused (429) until its window ends. A successful login clears its count. Memory is bounded: past 10,000
/// addresses, those whose window ended are forgotten.
/// </summary>
internal sealed class LoginThrottle
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    private const int MaxAddresses = 10_000;

    private readonly ConcurrentDictionary<IPAddress, (int Failures, DateTimeOffset Since)> _failures = new();
    private readonly TimeProvider _time;
    private readonly int _limit;

    /// <summary>Initializes a new instance of the <see cref="LoginThrottle"/> class.</summary>
    /// <param name="limit">Failures allowed per address per 15 minutes.</param>
    /// <param name="time">The clock.</param>
    public LoginThrottle(int limit, TimeProvider time)
    {
        _limit = limit;
        _time = time;
    }

    /// <summary>Gets how long an address must wait before it may try again, or <see langword="null"/> when it may try now.</summary>
    /// <param name="address">The client's address.</param>
    /// <returns>The wait.</returns>
    public TimeSpan? WaitFor(IPAddress? address)
    {
        if (address is null || !_failures.TryGetValue(address, out var state))
        {
            return null;
        }

        var ends = state.Since + Window;
        var now = _time.GetUtcNow();
        return state.Failures >= _limit && now < ends ? ends - now : null;
    }

    /// <summary>Counts a failed login.</summary>
    /// <param name="address">The client's address.</param>
    public void Failed(IPAddress? address)
    {
        if (address is null)
        {
            return;
        }

        var now = _time.GetUtcNow();
        if (_failures.Count >= MaxAddresses)
        {
            foreach (var (stale, state) in _failures)
            {
                if (now - state.Since >= Window)
                {
                    _failures.TryRemove(stale, out _);
                }
            }
        }

        _failures.AddOrUpdate(address, _ => (1, now), (_, state) => now - state.Since >= Window ? (1, now) : (state.Failures + 1, state.Since));
    }

    /// <summary>Clears an address's failures after it signed in.</summary>
    /// <param name="address">The client's address.</param>
    public void Succeeded(IPAddress? address)
    {
        if (address is not null)
        {
            _failures.TryRemove(address, out _);
        }
    }
}
