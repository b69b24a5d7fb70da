using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Routing;
using Mostlyucid.LlmBackend.Telemetry;

namespace Mostlyucid.LlmBackend.Resilience;

/// <summary>
/// The Hedged strategy's race: starts the first backend; if it has not answered after <c>Resilience:HedgingDelayMs</c>,
/// starts the second as well. The first success wins and the other is cancelled and disposed; when both fail, the later
/// failure is returned.
/// </summary>
internal sealed class Hedger
{
    private readonly BackendRegistry _registry;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public Hedger(BackendRegistry registry, TimeProvider time, ILogger logger)
    {
        _registry = registry;
        _time = time;
        _logger = logger;
    }

    /// <summary>Races two backends.</summary>
    /// <param name="first">The first backend.</param>
    /// <param name="second">The backend started after the delay.</param>
    /// <param name="attempt">An attempt (with its retries) at a backend.</param>
    /// <param name="takeSecond">Removes the second backend from the plan once it is started.</param>
    /// <param name="cancellationToken">The request's cancellation.</param>
    public async Task<TOutcome> RaceAsync<TOutcome>(BackendEntry first, BackendEntry second, Func<BackendEntry, CancellationToken, Task<TOutcome>> attempt, Action takeSecond, CancellationToken cancellationToken)
        where TOutcome : IAttemptOutcome
    {
        var delayMs = _registry.Settings.Resilience.HedgingDelayMs;
        using var firstCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var secondCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var firstTask = attempt(first, firstCancellation.Token);
        var delay = Task.Delay(TimeSpan.FromMilliseconds(delayMs), _time, cancellationToken);
        if (await Task.WhenAny(firstTask, delay).ConfigureAwait(false) == firstTask)
        {
            return await firstTask.ConfigureAwait(false);
        }

        takeSecond();
        Log.Hedging(_logger, first.Name, delayMs, second.Name);
        var secondTask = attempt(second, secondCancellation.Token);
        var winner = await Task.WhenAny(firstTask, secondTask).ConfigureAwait(false);
        var other = winner == firstTask ? secondTask : firstTask;
        var outcome = await winner.ConfigureAwait(false);
        if (outcome.Error is null)
        {
            await (winner == firstTask ? secondCancellation : firstCancellation).CancelAsync().ConfigureAwait(false);
            await DiscardAsync(other).ConfigureAwait(false);
            return outcome;
        }

        return await other.ConfigureAwait(false);
    }

    private static async Task DiscardAsync<TOutcome>(Task<TOutcome> loser)
    {
        try
        {
            if (await loser.ConfigureAwait(false) is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The loser was cancelled, as intended.
        }
    }
}
