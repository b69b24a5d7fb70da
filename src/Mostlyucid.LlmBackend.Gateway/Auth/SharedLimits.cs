using Microsoft.Extensions.DependencyInjection;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Routing;
using Mostlyucid.LlmBackend.SharedState;

namespace Mostlyucid.LlmBackend.Gateway.Auth;

/// <summary>
/// Per-key counters every gateway instance shares (Redis, <c>LlmSettings:Redis</c>): one atomic fixed one-minute window
/// per key and kind. While the store is unreachable, a check says so and the limiter does what
/// <c>Redis:LimitsWhenUnavailable</c> says: count in this instance alone (fail open) or refuse (fail closed).
/// </summary>
internal sealed class SharedLimits
{
    private static readonly TimeSpan WindowLength = TimeSpan.FromMinutes(1);
    private readonly ISharedState _state;

    public SharedLimits(ISharedState state, SharedLimitFailure whenUnavailable)
    {
        _state = state;
        WhenUnavailable = whenUnavailable;
    }

    /// <summary>Gets what limits do while the store is unreachable.</summary>
    public SharedLimitFailure WhenUnavailable { get; }

    /// <summary>The shared limits the configuration asks for, or <see langword="null"/> when limits stay in this process.</summary>
    public static SharedLimits? From(IServiceProvider services) =>
        services.GetRequiredService<SharedStateHolder>().State is { } state
            ? new SharedLimits(state, services.GetRequiredService<BackendRegistry>().Settings.Redis.LimitsWhenUnavailable)
            : null;

    /// <summary>Adds <paramref name="amount"/> to a key's counter unless it reached <paramref name="limit"/>.</summary>
    /// <returns>The verdict; <see cref="LimitVerdict.Unavailable"/> when the store could not be asked.</returns>
    public async ValueTask<LimitVerdict> TryAddAsync(string counter, long amount, long limit, CancellationToken cancellationToken)
    {
        try
        {
            var count = await _state.TryAddAsync(counter, amount, limit, WindowLength, cancellationToken).ConfigureAwait(false);
            return count.Added ? LimitVerdict.Allowed : LimitVerdict.Over(count.RetryAfter ?? WindowLength);
        }
        catch (SharedStateUnavailableException)
        {
            return LimitVerdict.Unavailable;
        }
    }

    /// <summary>Adds usage known only afterwards; an unreachable store is ignored (this instance's own count still has it).</summary>
    public async Task AddAsync(string counter, long amount)
    {
        try
        {
            await _state.TryAddAsync(counter, amount, long.MaxValue, WindowLength).ConfigureAwait(false);
        }
        catch (SharedStateUnavailableException)
        {
            // Logged by the shared state; the local window counted it.
        }
    }
}
