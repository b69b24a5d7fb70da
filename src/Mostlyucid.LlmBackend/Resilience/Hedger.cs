using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Routing;
using Mostlyucid.LlmBackend.Telemetry;

namespace Mostlyucid.LlmBackend.Resilience;

/// <summary>
/// A hedge's race: starts the first backend; if it has not answered (for a stream: given its first token) after the
/// delay, starts the second as well. The first success wins and the other is cancelled, disposed and reported as lost;
/// when both fail, the later failure is returned.
/// </summary>
internal sealed class Hedger
{
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public Hedger(TimeProvider time, ILogger logger)
    {
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Gets how long a stream waits for <paramref name="entry"/>'s first token before hedging: a multiple of its recent
    /// 95th-percentile time to first token within the floor and ceiling, or the default while it has too little history.
    /// </summary>
    public static TimeSpan FirstTokenDelay(BackendEntry entry, FirstTokenHedgingSettings settings)
    {
        var p95 = entry.Metrics.TimeToFirstTokenP95Ms(settings.MinSamples);
        var ms = p95 is { } usual ? usual * settings.DelayMultiplier : settings.DefaultDelayMs;
        return TimeSpan.FromMilliseconds(Math.Clamp(ms, settings.MinDelayMs, Math.Max(settings.MinDelayMs, settings.MaxDelayMs)));
    }

    /// <summary>Gets whether a stream slow on <paramref name="entry"/> is hedged: the backend's setting, else the route's, else the global one.</summary>
    public static bool HedgesFirstToken(BackendEntry entry, RouteConfig? route, FirstTokenHedgingSettings settings) =>
        entry.Config.HedgeFirstToken ?? route?.HedgeFirstToken ?? settings.Enabled;

    /// <summary>Races two backends.</summary>
    /// <param name="first">The first backend.</param>
    /// <param name="second">The backend started after the delay.</param>
    /// <param name="delay">How long the first may take before the second starts.</param>
    /// <param name="attempt">An attempt (with its retries) at a backend.</param>
    /// <param name="takeSecond">Removes the second backend from the plan once it is started.</param>
    /// <param name="lost">Told of the backend whose attempt was cancelled because the other won, and when it started.</param>
    /// <param name="cancellationToken">The request's cancellation.</param>
    public async Task<TOutcome> RaceAsync<TOutcome>(
        BackendEntry first,
        BackendEntry second,
        TimeSpan delay,
        Func<BackendEntry, CancellationToken, Task<TOutcome>> attempt,
        Action takeSecond,
        Action<BackendEntry, long>? lost,
        CancellationToken cancellationToken)
        where TOutcome : IAttemptOutcome
    {
        using var firstCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var firstStarted = _time.GetTimestamp();
        var firstTask = attempt(first, firstCancellation.Token);

        // The common case is a first backend that answers before the delay: then the timer is simply disposed — no
        // cancellation callbacks, no second token source (measured: FirstTokenHedgingBenchmarks).
        var delayOver = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (_time.CreateTimer(static state => ((TaskCompletionSource)state!).TrySetResult(), delayOver, delay, Timeout.InfiniteTimeSpan))
        using (cancellationToken.Register(static state => ((TaskCompletionSource)state!).TrySetResult(), delayOver))
        {
            if (await Task.WhenAny(firstTask, delayOver.Task).ConfigureAwait(false) == firstTask)
            {
                return await firstTask.ConfigureAwait(false);
            }
        }

        using var secondCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        if (cancellationToken.IsCancellationRequested)
        {
            await firstCancellation.CancelAsync().ConfigureAwait(false);
            await DiscardAsync(firstTask).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        takeSecond();
        Log.Hedging(_logger, first.Name, (int)delay.TotalMilliseconds, second.Name);
        var secondStarted = _time.GetTimestamp();
        var secondTask = attempt(second, secondCancellation.Token);
        var winner = await Task.WhenAny(firstTask, secondTask).ConfigureAwait(false);
        var other = winner == firstTask ? secondTask : firstTask;
        TOutcome outcome;
        try
        {
            outcome = await winner.ConfigureAwait(false);
        }
        catch
        {
            // Cancelled or failed outright: the other attempt must not be left running with what it opened.
            await (winner == firstTask ? secondCancellation : firstCancellation).CancelAsync().ConfigureAwait(false);
            await DiscardAsync(other).ConfigureAwait(false);
            throw;
        }
        if (outcome.Error is null)
        {
            await (winner == firstTask ? secondCancellation : firstCancellation).CancelAsync().ConfigureAwait(false);
            if (await DiscardAsync(other).ConfigureAwait(false))
            {
                lost?.Invoke(winner == firstTask ? second : first, winner == firstTask ? secondStarted : firstStarted);
            }

            return outcome;
        }

        return await other.ConfigureAwait(false);
    }

    /// <summary>Waits for the cancelled loser and disposes what it opened.</summary>
    /// <returns>Whether it was lost: cancelled while running, or a success thrown away (not a failure of its own).</returns>
    private static async Task<bool> DiscardAsync<TOutcome>(Task<TOutcome> loser)
        where TOutcome : IAttemptOutcome
    {
        try
        {
            var outcome = await loser.ConfigureAwait(false);
            if (outcome is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync().ConfigureAwait(false);
            }

            return outcome.Error is null;
        }
        catch (OperationCanceledException)
        {
            // The loser was cancelled, as intended.
            return true;
        }
        catch (Exception ex) when (ex is LlmBackendException or HttpRequestException or IOException)
        {
            // It failed while being cancelled; nothing of it is used.
            return true;
        }
    }
}
