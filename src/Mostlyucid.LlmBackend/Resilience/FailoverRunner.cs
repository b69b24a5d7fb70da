using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Routing;

namespace Mostlyucid.LlmBackend.Resilience;

/// <summary>
/// Works through a one-shot request's plan within its deadline: each backend's attempts under its retry pipeline
/// (backoff, <c>Retry-After</c>), then fail over, stop at a fatal error, or go on to larger context windows only. With the
/// Hedged strategy the first two backends race.
/// </summary>
internal sealed class FailoverRunner
{
    private readonly BackendRegistry _registry;
    private readonly AttemptRunner _attempts;
    private readonly RetryPipelines _retries;
    private readonly Hedger _hedger;
    private readonly ContextWindows _windows;
    private readonly TimeProvider _time;

    public FailoverRunner(BackendRegistry registry, AttemptRunner attempts, RetryPipelines retries, Hedger hedger, ContextWindows windows, TimeProvider time)
    {
        _windows = windows;
        _registry = registry;
        _attempts = attempts;
        _retries = retries;
        _hedger = hedger;
        _time = time;
    }

    /// <summary>Runs the request.</summary>
    /// <returns>The first answer, or the request's error; and every attempt made.</returns>
    public async Task<(TResult? Result, AttemptLog Attempts, LlmError? Error)> RunAsync<TResult>(IReadOnlyList<BackendEntry> plan, OneShotOperation<TResult> operation, CancellationToken cancellationToken)
        where TResult : class
    {
        var settings = _registry.Settings;
        using var deadline = new RequestDeadline(TimeSpan.FromSeconds(settings.Resilience.RequestDeadlineSeconds), _time, cancellationToken);
        var attempts = new AttemptLog();
        var queue = new PlanQueue(plan, _windows);
        LlmError? last = null;
        try
        {
            while (queue.Take() is { } entry)
            {
                AttemptOutcome<TResult> outcome;
                if (settings.SelectionStrategy == BackendSelectionStrategy.Hedged && attempts.Count == 0 && queue.Peek() is { } second)
                {
                    var delay = TimeSpan.FromMilliseconds(settings.Resilience.HedgingDelayMs);
                    outcome = await _hedger.RaceAsync(entry, second, delay, (e, ct) => WithRetriesAsync(e, c => _attempts.RunAsync(e, operation, attempts, c, e == entry ? AttemptRole.Request : AttemptRole.Hedge), ct), queue.Skip, lost: null, deadline.Token).ConfigureAwait(false);
                }
                else
                {
                    outcome = await WithRetriesAsync(entry, ct => _attempts.RunAsync(entry, operation, attempts, ct), deadline.Token).ConfigureAwait(false);
                }

                if (outcome.Error is null)
                {
                    return (outcome.Result, attempts, null);
                }

                last = outcome.Error;
                var disposition = LlmErrorClassifier.Disposition(last);
                if (disposition == ErrorDisposition.Fatal)
                {
                    break;
                }

                if (disposition == ErrorDisposition.FailOverToLargerContext)
                {
                    queue.NeedLargerThan(outcome.Entry ?? entry);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && deadline.Expired)
        {
            // Reported below: the deadline, not the last attempt, ended the request.
        }

        if (!cancellationToken.IsCancellationRequested && deadline.Expired)
        {
            return (null, attempts, RequestErrors.DeadlineExpired(settings.Resilience.RequestDeadlineSeconds, RequestErrors.Summarize(attempts, last)));
        }

        return (null, attempts, RequestErrors.Summarize(attempts, last) ?? RequestErrors.NothingTried(queue.ContextFloor is not null));
    }

    /// <summary>Runs an attempt under the backend's retry pipeline, if it has one.</summary>
    public async Task<TOutcome> WithRetriesAsync<TOutcome>(BackendEntry entry, Func<CancellationToken, Task<TOutcome>> attempt, CancellationToken cancellationToken)
        where TOutcome : class, IAttemptOutcome
    {
        var pipeline = _retries.For<TOutcome>(entry, _registry.Settings.Resilience);
        return pipeline is null
            ? await attempt(cancellationToken).ConfigureAwait(false)
            : await pipeline.ExecuteAsync(static (run, ct) => new ValueTask<TOutcome>(run(ct)), attempt, cancellationToken).ConfigureAwait(false);
    }
}
