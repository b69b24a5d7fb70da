using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Resilience;
using Mostlyucid.LlmBackend.Routing;
using Mostlyucid.LlmBackend.Telemetry;

namespace Mostlyucid.LlmBackend.Services;

/// <summary>
/// The routing pipeline behind <see cref="ILlmService"/>: plans the backends to try, runs one attempt per backend with a
/// time limit, counts every attempt once in the backend's statistics, and answers with the first success — or with a
/// typed error that lists every attempt.
/// </summary>
internal sealed class LlmService : ILlmService
{
    private readonly BackendRegistry _registry;
    private readonly BackendRouter _router;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, bool> _warnedEmptySuccess = new(StringComparer.OrdinalIgnoreCase);
    private long _totalRequests;
    private long _successfulRequests;
    private long _failedRequests;
    private long _failedOverRequests;

    public LlmService(BackendRegistry registry, BackendRouter router, TimeProvider time, ILogger<LlmService> logger)
    {
        _registry = registry;
        _router = router;
        _time = time;
        _logger = logger;
    }

    public Task<LlmResponse> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ExecuteAsync(request, static (backend, r, ct) => backend.CompleteAsync(r, ct), cancellationToken);
    }

    public Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ExecuteAsync(request, static (backend, r, ct) => backend.ChatAsync(r, ct), cancellationToken);
    }

    public IReadOnlyList<BackendInfo> GetBackends() => _registry.Entries.Select(e => e.ToInfo()).ToArray();

    public LlmServiceStatistics GetStatistics() => new()
    {
        TotalRequests = Interlocked.Read(ref _totalRequests),
        SuccessfulRequests = Interlocked.Read(ref _successfulRequests),
        FailedRequests = Interlocked.Read(ref _failedRequests),
        FailedOverRequests = Interlocked.Read(ref _failedOverRequests),
        Backends = _registry.Entries.Where(e => e.State.Status != BackendStatus.Disabled).Select(e => e.Metrics.Snapshot(e.Name)).ToArray(),
    };

    public async Task<IReadOnlyList<BackendHealth>> GetHealthAsync(CancellationToken cancellationToken = default)
    {
        var ready = _registry.ReadyEntries;
        var health = new BackendHealth[ready.Count];
        for (var i = 0; i < ready.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            health[i] = await ready[i].State.Backend!.GetHealthAsync().ConfigureAwait(false);
        }

        return health;
    }

    public async Task<IReadOnlyDictionary<string, bool>> CheckAvailabilityAsync(CancellationToken cancellationToken = default)
    {
        var ready = _registry.ReadyEntries;
        var checks = ready.Select(async entry =>
        {
            try
            {
                return (entry.Name, await entry.State.Backend!.IsAvailableAsync(cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return (entry.Name, false);
            }
        });
        var results = await Task.WhenAll(checks).ConfigureAwait(false);
        return results.ToDictionary(r => r.Name, r => r.Item2, StringComparer.OrdinalIgnoreCase);
    }

    private async Task<LlmResponse> ExecuteAsync<TRequest>(
        TRequest request,
        Func<ILlmBackend, TRequest, CancellationToken, Task<LlmResponse>> call,
        CancellationToken cancellationToken)
        where TRequest : LlmRequestBase
    {
        var started = _time.GetTimestamp();
        var plan = new List<BackendEntry>();
        var planError = _router.Plan(request.PreferredBackend, plan);
        if (planError is not null)
        {
            return Finish(Failed(planError, Array.Empty<BackendAttempt>(), started), success: false, failedOver: false);
        }

        var attempts = new List<BackendAttempt>(plan.Count);
        for (var i = 0; i < plan.Count; i++)
        {
            var entry = plan[i];
            var (response, error) = await AttemptAsync(entry, request, call, cancellationToken).ConfigureAwait(false);
            if (error is null)
            {
                attempts.Add(new BackendAttempt { BackendName = entry.Name, Model = response!.ModelUsed, Success = true, DurationMs = response.DurationMs });
                response.Attempts = attempts;
                response.DurationMs = Elapsed(started);
                Log.RequestAnswered(_logger, entry.Name, response.ModelUsed ?? "unknown", response.DurationMs, attempts.Count);
                return Finish(response, success: true, failedOver: attempts.Count > 1);
            }

            attempts.Add(new BackendAttempt { BackendName = entry.Name, Model = entry.Config.ModelName, Success = false, DurationMs = response?.DurationMs ?? 0, Error = error });
            if (i + 1 < plan.Count)
            {
                Log.AttemptFailedFailingOver(_logger, entry.Name, attempts[^1].DurationMs, error.Kind.ToString(), error.Message);
            }
            else
            {
                Log.AttemptFailed(_logger, entry.Name, attempts[^1].DurationMs, error.Kind.ToString(), error.Message);
            }
        }

        var final = Summarize(attempts);
        Log.AllBackendsFailed(_logger, attempts.Count, final.Message);
        return Finish(Failed(final, attempts, started), success: false, failedOver: false);
    }

    /// <summary>Runs one attempt; returns the response and, when it failed, the typed error.</summary>
    private async Task<(LlmResponse? Response, LlmError? Error)> AttemptAsync<TRequest>(
        BackendEntry entry,
        TRequest request,
        Func<ILlmBackend, TRequest, CancellationToken, Task<LlmResponse>> call,
        CancellationToken cancellationToken)
        where TRequest : LlmRequestBase
    {
        var backend = entry.State.Backend!;
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

        var recording = AttemptRecording.Begin(entry.Metrics);
        var started = _time.GetTimestamp();
        LlmResponse? response = null;
        LlmError? error = null;
        try
        {
            response = await call(backend, request, attemptCancellation.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            error = Volatile.Read(ref timedOut) == 1
                ? TimedOut(entry, timeout)
                : new LlmError { Kind = LlmErrorClassifier.FromException(ex), Message = $"Backend '{entry.Name}' threw {ex.GetType().Name}: {ex.Message}", BackendName = entry.Name };
        }
        finally
        {
            AttemptRecording.End();
        }

        // A backend that swallows cancellation into an error response must not turn the caller's cancellation into a failover.
        cancellationToken.ThrowIfCancellationRequested();
        var duration = Elapsed(started);
        if (error is null)
        {
            if (response is null)
            {
                error = new LlmError { Kind = LlmErrorKind.InvalidResponse, Message = $"Backend '{entry.Name}' returned no response.", BackendName = entry.Name };
            }
            else if (!response.Success)
            {
                error = Volatile.Read(ref timedOut) == 1 ? TimedOut(entry, timeout) : ErrorOf(entry, response);
            }
        }

        if (!recording.Recorded)
        {
            if (error is null)
            {
                entry.Metrics.RecordSuccess(duration);
            }
            else
            {
                entry.Metrics.RecordFailure(error.Message);
            }
        }

        if (response is not null)
        {
            response.DurationMs = duration;
        }

        if (error is not null)
        {
            return (response, error);
        }

        response!.BackendUsed ??= entry.Name;
        if (string.IsNullOrEmpty(response.ModelUsed))
        {
            response.ModelUsed = request.Model ?? entry.Config.ModelName;
        }

        if (string.IsNullOrEmpty(response.Content) && response.FinishReason is null && response.TotalTokens == 0 && _warnedEmptySuccess.TryAdd(entry.Name, true))
        {
            Log.EmptySuccess(_logger, entry.Name);
        }

        return (response, null);
    }

    private static LlmError ErrorOf(BackendEntry entry, LlmResponse response)
    {
        if (response.Error is { } typed)
        {
            return typed.BackendName is null ? typed with { BackendName = entry.Name } : typed;
        }

        var (kind, status) = LlmErrorClassifier.FromErrorCode(response.ErrorCode, response.ErrorMessage);
        return new LlmError
        {
            Kind = kind,
            StatusCode = status,
            ProviderCode = response.ErrorCode,
            Message = $"Backend '{entry.Name}' failed: {response.ErrorMessage ?? response.ErrorCode ?? "no error message"}",
            BackendName = entry.Name,
        };
    }

    private static LlmError TimedOut(BackendEntry entry, TimeSpan timeout) => new()
    {
        Kind = LlmErrorKind.Timeout,
        Message = $"Backend '{entry.Name}' did not answer within {timeout.TotalSeconds:0.###} s (its TimeoutSeconds, else LlmSettings:TimeoutSeconds).",
        BackendName = entry.Name,
    };

    private static LlmError Summarize(List<BackendAttempt> attempts)
    {
        var errors = attempts.Select(a => a.Error!).ToArray();
        if (errors.Length == 1)
        {
            return errors[0];
        }

        var allRateLimited = errors.All(e => e.Kind == LlmErrorKind.RateLimited);
        var last = errors[^1];
        return new LlmError
        {
            Kind = allRateLimited ? LlmErrorKind.RateLimited : last.Kind,
            StatusCode = last.StatusCode,
            ProviderCode = last.ProviderCode,
            RetryAfter = allRateLimited ? errors.Min(e => e.RetryAfter) : last.RetryAfter,
            BackendName = last.BackendName,
            Message = $"All {errors.Length} backends failed: " + string.Join(" | ", errors.Select(e => e.Message)),
        };
    }

    private LlmResponse Failed(LlmError error, IReadOnlyList<BackendAttempt> attempts, long started) => new()
    {
        Success = false,
        BackendUsed = error.BackendName,
        ModelUsed = attempts.Count > 0 ? attempts[^1].Model : null,
        DurationMs = Elapsed(started),
        ErrorCode = error.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? error.Kind.ToString(),
        ErrorMessage = error.Message,
        Error = error,
        Attempts = attempts,
    };

    private LlmResponse Finish(LlmResponse response, bool success, bool failedOver)
    {
        Interlocked.Increment(ref _totalRequests);
        Interlocked.Increment(ref success ? ref _successfulRequests : ref _failedRequests);
        if (failedOver)
        {
            Interlocked.Increment(ref _failedOverRequests);
        }

        return response;
    }

    private long Elapsed(long started) => (long)_time.GetElapsedTime(started).TotalMilliseconds;
}
