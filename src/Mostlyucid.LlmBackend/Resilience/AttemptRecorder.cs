using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Routing;
using Mostlyucid.LlmBackend.Security;
using Mostlyucid.LlmBackend.Telemetry;

namespace Mostlyucid.LlmBackend.Resilience;

/// <summary>
/// Records each attempt's outcome once: in the request's <see cref="AttemptLog"/>, and — only when the backend caused a
/// failure — in the backend's statistics and circuit breaker. Secrets are redacted from an error before anything sees it,
/// so the caller's error, logs, statistics and health all get the redacted text.
/// </summary>
internal sealed class AttemptRecorder
{
    private readonly SecretRedactor _redactor;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public AttemptRecorder(SecretRedactor redactor, TimeProvider time, ILogger logger)
    {
        _redactor = redactor;
        _time = time;
        _logger = logger;
    }

    /// <summary>Records an attempt that was made.</summary>
    /// <returns>The error as recorded (redacted), or <see langword="null"/> for a success.</returns>
    public LlmError? Record(BackendEntry entry, AttemptLog attempts, string? model, long started, long? timeToFirstToken, LlmError? error, LlmUsage? billed = null, AttemptRole role = AttemptRole.Request)
    {
        var duration = ElapsedMs(started);
        if (error is not null)
        {
            error = _redactor.Redact(error);
        }

        attempts.Add(new BackendAttempt
        {
            BackendName = entry.Name,
            Model = model,
            Success = error is null,
            DurationMs = duration,
            TimeToFirstTokenMs = timeToFirstToken,
            Error = error,
            Usage = billed,
            UsageEstimated = billed is not null,
            Role = role,
        });
        if (error is null)
        {
            entry.Metrics.RecordSuccess(duration);
            entry.Breaker.Record(failed: false);
            return null;
        }

        if (LlmErrorClassifier.CountsAgainstBackend(error))
        {
            entry.Metrics.RecordFailure(error.Message);
            entry.Breaker.Record(failed: true);
        }
        else
        {
            entry.Breaker.Abandon();
        }

        if (error.Cause is { } cause)
        {
            Log.InternalFailure(_logger, entry.Name, RedactedException.From(cause, _redactor));
        }

        Log.AttemptFailed(_logger, entry.Name, duration, error.Kind.ToString(), LlmErrorClassifier.Disposition(error).ToString(), error.Message);
        return error;
    }

    /// <summary>
    /// Records an attempt whose answer was not used although the backend worked (a replay that did not begin with the
    /// text already sent): the backend's health counts it as a success.
    /// </summary>
    /// <returns>The error as recorded.</returns>
    public LlmError RecordNotUsed(BackendEntry entry, AttemptLog attempts, string? model, long started, long? timeToFirstToken, LlmError why, LlmUsage billed, AttemptRole role)
    {
        var duration = ElapsedMs(started);
        why = _redactor.Redact(why);
        attempts.Add(new BackendAttempt
        {
            BackendName = entry.Name,
            Model = model,
            DurationMs = duration,
            TimeToFirstTokenMs = timeToFirstToken,
            Error = why,
            Usage = billed,
            UsageEstimated = true,
            Role = role,
        });
        entry.Breaker.Record(failed: false);
        Log.AttemptFailed(_logger, entry.Name, duration, why.Kind.ToString(), ErrorDisposition.FailOver.ToString(), why.Message);
        return why;
    }

    /// <summary>
    /// Records a hedge's loser: cancelled because the other attempt answered first. Its health is untouched (it neither
    /// failed nor finished); the provider may bill the prompt it was sent, so that is estimated.
    /// </summary>
    public void RecordCancelled(BackendEntry entry, AttemptLog attempts, string? model, long started, int promptTokens, AttemptRole role) =>
        attempts.Add(new BackendAttempt
        {
            BackendName = entry.Name,
            Model = model,
            DurationMs = ElapsedMs(started),
            Cancelled = true,
            Usage = new LlmUsage { PromptTokens = promptTokens, TotalTokens = promptTokens },
            UsageEstimated = true,
            Role = role,
        });

    /// <summary>Records that a backend was skipped because its circuit is open (nothing was sent; its statistics are untouched).</summary>
    /// <returns>The error.</returns>
    public static LlmError RecordCircuitOpen(BackendEntry entry, AttemptLog attempts)
    {
        var open = RequestErrors.CircuitOpen(entry);
        attempts.Add(new BackendAttempt { BackendName = entry.Name, Model = entry.Config.ModelName, Error = open });
        return open;
    }

    /// <summary>Gets the milliseconds since a timestamp of the injected clock.</summary>
    public long ElapsedMs(long started) => (long)_time.GetElapsedTime(started).TotalMilliseconds;
}
