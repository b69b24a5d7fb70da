using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Routing;
using Mostlyucid.LlmBackend.Telemetry;

namespace Mostlyucid.LlmBackend.Resilience;

/// <summary>
/// One attempt of a one-shot operation (chat, completion, embedding) at one backend: the circuit breaker's permission,
/// the backend's time limit (a <see cref="TimeProvider"/> timer), the outcome classified into an error, and recording.
/// The caller's cancellation is rethrown and never becomes a failure.
/// </summary>
internal sealed class AttemptRunner
{
    private readonly AttemptRecorder _recorder;
    private readonly BackendRegistry _registry;
    private readonly TimeProvider _time;

    public AttemptRunner(AttemptRecorder recorder, BackendRegistry registry, TimeProvider time)
    {
        _recorder = recorder;
        _registry = registry;
        _time = time;
    }

    /// <summary>Makes the attempt.</summary>
    /// <param name="entry">The backend.</param>
    /// <param name="operation">The operation: the call, how to read its error and the model that answered.</param>
    /// <param name="attempts">The request's attempts.</param>
    /// <param name="cancellationToken">The request's cancellation (caller and deadline).</param>
    /// <param name="role">Why the attempt is made (a hedge, or the request itself).</param>
    /// <returns>The outcome: the result, or the recorded error.</returns>
    public async Task<AttemptOutcome<TResult>> RunAsync<TResult>(BackendEntry entry, OneShotOperation<TResult> operation, AttemptLog attempts, CancellationToken cancellationToken, AttemptRole role = AttemptRole.Request)
        where TResult : class
    {
        var started = _time.GetTimestamp();
        if (!entry.Breaker.TryEnter())
        {
            return new AttemptOutcome<TResult>(entry, null, AttemptRecorder.RecordCircuitOpen(entry, attempts));
        }

        var timeout = TimeSpan.FromSeconds(entry.Config.TimeoutSeconds ?? _registry.Settings.TimeoutSeconds);
        using var attemptCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timedOut = 0;
        using var timer = _time.CreateTimer(
            _ =>
            {
                Interlocked.Exchange(ref timedOut, 1);
                try
                {
                    attemptCancellation.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // The attempt finished while the timer fired.
                }
            },
            null,
            timeout,
            Timeout.InfiniteTimeSpan);

        TResult? result = null;
        LlmError? error = null;

        // The attempt's span is current while the backend is called, so the backend's own spans (HTTP) nest under it.
        using var span = AttemptSpans.Start(entry, role, operation.ModelOf(entry, null));
        RoutedAttempt.Enter(entry.Metrics);
        try
        {
            result = await operation.Call(entry, attemptCancellation.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            entry.Breaker.Abandon();
            AttemptSpans.Abandon(span);
            throw;
        }
        catch (Exception ex)
        {
            error = Volatile.Read(ref timedOut) == 1 ? RequestErrors.TimedOut(entry, timeout) : BackendExceptionErrors.From(entry.Name, ex);
        }
        finally
        {
            RoutedAttempt.Exit();
        }

        // A backend that swallows cancellation into an error result must not turn the caller's cancellation into a failover.
        if (cancellationToken.IsCancellationRequested)
        {
            entry.Breaker.Abandon();
            AttemptSpans.Abandon(span);
            cancellationToken.ThrowIfCancellationRequested();
        }

        if (error is null && operation.ErrorOf(entry, result) is { } resultError)
        {
            error = Volatile.Read(ref timedOut) == 1 ? RequestErrors.TimedOut(entry, timeout) : resultError;
        }

        var model = operation.ModelOf(entry, result);
        error = _recorder.Record(entry, attempts, model, started, null, error, role: role);
        AttemptSpans.End(span, error, model);
        if (result is LlmResponse response)
        {
            response.DurationMs = _recorder.ElapsedMs(started);
        }

        return new AttemptOutcome<TResult>(entry, error is null ? result : null, error);
    }
}
