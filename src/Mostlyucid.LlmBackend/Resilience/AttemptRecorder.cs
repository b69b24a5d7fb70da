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
    public LlmError? Record(BackendEntry entry, AttemptLog attempts, string? model, long started, long? timeToFirstToken, LlmError? error, LlmUsage? billed = null)
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
