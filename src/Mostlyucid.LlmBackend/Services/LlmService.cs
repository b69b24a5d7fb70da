using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Resilience;
using Mostlyucid.LlmBackend.Routing;
using Mostlyucid.LlmBackend.Telemetry;

namespace Mostlyucid.LlmBackend.Services;

/// <summary>
/// The routing pipeline behind <see cref="ILlmService"/>: plans the backends to try, runs one attempt per backend with a
/// time limit, records every attempt once in the backend's statistics, and answers with the first success — or with a
/// typed error that lists every attempt. Streams fail over until their first update; embeddings go only to backends with
/// an embedding model.
/// </summary>
internal sealed class LlmService : ILlmService
{
    private static readonly BackendEligibility Embedding = new(
        "embed texts",
        "it needs a provider with embeddings (OpenAI, Azure OpenAI, Gemini, Ollama, Cohere or a plugin that implements IEmbeddingLlmBackend) and an EmbeddingModelName, or the request's Model",
        _ => true);

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

    public async IAsyncEnumerable<ChatStreamUpdate> StreamChatAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = _time.GetTimestamp();
        var route = _router.Plan(request.PreferredBackend, request.Model);
        if (route.Error is { } planError)
        {
            Count(success: false, failedOver: false);
            throw new LlmBackendException(planError, Array.Empty<BackendAttempt>());
        }

        var plan = route.Backends;
        request = For(request, route);

        var attempts = new List<BackendAttempt>(plan.Count);
        foreach (var entry in plan)
        {
            var backend = entry.State.Backend!;

            // The stream's own token: cancelled by the caller, or by the time limit while waiting for the first update.
            using var streamCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var stream = backend is IStreamingLlmBackend streaming
                ? streaming.StreamChatAsync(request, streamCancellation.Token)
                : SingleUpdateAsync(backend, request, streamCancellation.Token);
            var enumerator = stream.GetAsyncEnumerator(streamCancellation.Token);
            var attemptStarted = _time.GetTimestamp();
            var completed = false;
            try
            {
                // Until the first update arrives the caller has seen nothing, so a failure here fails over invisibly.
                var first = await RunAttemptAsync(
                    entry,
                    async token =>
                    {
                        using var timeout = token.Register(static s => ((CancellationTokenSource)s!).Cancel(), streamCancellation);
                        return await enumerator.MoveNextAsync().ConfigureAwait(false) ? enumerator.Current : null;
                    },
                    static _ => null,
                    recordOutcome: false,
                    cancellationToken).ConfigureAwait(false);

                if (first.Error is { } error)
                {
                    entry.Metrics.RecordFailure(error.Message);
                    attempts.Add(new BackendAttempt { BackendName = entry.Name, Model = entry.Config.ModelName, DurationMs = first.DurationMs, Error = error });
                    LogFailedAttempt(entry, first.DurationMs, error, last: ReferenceEquals(entry, plan[^1]));
                    continue;
                }

                var update = first.Result;
                string? model = null;
                while (update is not null)
                {
                    update.BackendUsed = entry.Name;
                    update.Attempt = attempts.Count + 1;
                    model = update.ModelUsed ?? model;
                    yield return update;
                    update = await NextUpdateAsync(entry, enumerator, attemptStarted, attempts, cancellationToken).ConfigureAwait(false);
                }

                var duration = Elapsed(attemptStarted);
                var total = Elapsed(started);
                entry.Metrics.RecordSuccess(duration);
                attempts.Add(new BackendAttempt { BackendName = entry.Name, Model = model ?? request.Model ?? entry.Config.ModelName, Success = true, DurationMs = duration });
                Log.RequestAnswered(_logger, entry.Name, model ?? "unknown", total, attempts.Count);
                Count(success: true, failedOver: attempts.Count > 1);
                completed = true;
                yield break;
            }
            finally
            {
                await enumerator.DisposeAsync().ConfigureAwait(false);
                if (!completed && cancellationToken.IsCancellationRequested)
                {
                    Count(success: false, failedOver: false);
                }
            }
        }

        var final = Summarize(attempts);
        Log.AllBackendsFailed(_logger, attempts.Count, final.Message);
        Count(success: false, failedOver: false);
        throw new LlmBackendException(final, attempts);
    }

    public async Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = _time.GetTimestamp();
        var routingKey = IsRoutingKey(request.Model);
        var eligibility = Embedding with
        {
            CanServe = e => e.State.Backend is IEmbeddingLlmBackend
                && (e.Config.EmbeddingModelName is not null
                    || (request.Model is not null && (!routingKey || string.Equals(e.Name, request.Model, StringComparison.OrdinalIgnoreCase)))),
        };
        var route = _router.Plan(request.PreferredBackend, request.Model, eligibility);
        if (route.Error is { } planError)
        {
            Count(success: false, failedOver: false);
            return new EmbeddingResponse { Error = planError, DurationMs = Elapsed(started) };
        }

        var plan = route.Backends;
        if (!string.Equals(route.Model, request.Model, StringComparison.Ordinal))
        {
            request = new EmbeddingRequest { Inputs = request.Inputs, Model = route.Model, Dimensions = request.Dimensions, InputType = request.InputType, PreferredBackend = request.PreferredBackend };
        }

        var attempts = new List<BackendAttempt>(plan.Count);
        foreach (var entry in plan)
        {
            var outcome = await RunAttemptAsync(
                entry,
                token => ((IEmbeddingLlmBackend)entry.State.Backend!).EmbedAsync(request, token),
                response => response switch
                {
                    null => new LlmError { Kind = LlmErrorKind.InvalidResponse, Message = $"Backend '{entry.Name}' returned no response.", BackendName = entry.Name },
                    { Success: true } when response.Embeddings.Count != request.Inputs.Count => new LlmError
                    {
                        Kind = LlmErrorKind.InvalidResponse,
                        Message = $"Backend '{entry.Name}' returned {response.Embeddings.Count} vectors for {request.Inputs.Count} inputs.",
                        BackendName = entry.Name,
                    },
                    { Success: true } => null,
                    _ => response.Error ?? new LlmError { Kind = LlmErrorKind.Unknown, Message = $"Backend '{entry.Name}' failed to embed.", BackendName = entry.Name },
                },
                recordOutcome: true,
                cancellationToken).ConfigureAwait(false);
            if (outcome.Error is null)
            {
                var response = outcome.Result!;
                response.BackendUsed ??= entry.Name;
                response.ModelUsed ??= request.Model ?? entry.Config.EmbeddingModelName;
                attempts.Add(new BackendAttempt { BackendName = entry.Name, Model = response.ModelUsed, Success = true, DurationMs = outcome.DurationMs });
                response.Attempts = attempts;
                response.DurationMs = Elapsed(started);
                Count(success: true, failedOver: attempts.Count > 1);
                return response;
            }

            attempts.Add(new BackendAttempt { BackendName = entry.Name, Model = request.Model ?? entry.Config.EmbeddingModelName, DurationMs = outcome.DurationMs, Error = outcome.Error });
            LogFailedAttempt(entry, outcome.DurationMs, outcome.Error, last: ReferenceEquals(entry, plan[^1]));
        }

        var final = Summarize(attempts);
        Log.AllBackendsFailed(_logger, attempts.Count, final.Message);
        Count(success: false, failedOver: false);
        return new EmbeddingResponse { Error = final, BackendUsed = final.BackendName, Attempts = attempts, DurationMs = Elapsed(started) };
    }

    public async Task<ModelListResult> ListModelsAsync(string? backendName = null, CancellationToken cancellationToken = default)
    {
        var entries = _registry.ReadyEntries
            .Where(e => backendName is null || string.Equals(e.Name, backendName, StringComparison.OrdinalIgnoreCase))
            .ToArray();
        if (backendName is not null && entries.Length == 0)
        {
            var known = _registry.Entries.FirstOrDefault(e => string.Equals(e.Name, backendName, StringComparison.OrdinalIgnoreCase));
            var message = known is null
                ? $"Backend '{backendName}' does not exist. Configured backends: {string.Join(", ", _registry.Entries.Select(e => e.Name))}."
                : $"Backend '{known.Name}' is not ready ({known.State.Status}).";
            return new ModelListResult { Errors = new[] { new LlmError { Kind = LlmErrorKind.NoBackendAvailable, Message = message, BackendName = backendName } } };
        }

        var lists = await Task.WhenAll(entries.Select(async entry =>
        {
            if (entry.State.Backend is not IModelListingLlmBackend lister)
            {
                // A backend that cannot list still serves its configured model.
                var configured = entry.Config.ModelName is { } name ? new[] { new LlmModelInfo { Id = name, BackendName = entry.Name } } : Array.Empty<LlmModelInfo>();
                return (Models: (IReadOnlyList<LlmModelInfo>)configured, Error: (LlmError?)null);
            }

            try
            {
                var models = await lister.ListModelsAsync(cancellationToken).ConfigureAwait(false);
                return (models.Select(m => m.BackendName is null ? m with { BackendName = entry.Name } : m).ToArray(), null);
            }
            catch (LlmBackendException ex)
            {
                return (Array.Empty<LlmModelInfo>(), ex.Error with { BackendName = entry.Name });
            }
            catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                return (Array.Empty<LlmModelInfo>(), new LlmError { Kind = LlmErrorClassifier.FromException(ex), Message = $"Backend '{entry.Name}' could not list its models: {ex.Message}", BackendName = entry.Name });
            }
        })).ConfigureAwait(false);

        return new ModelListResult
        {
            Models = lists.SelectMany(l => l.Models).ToArray(),
            Errors = lists.Where(l => l.Error is not null).Select(l => l.Error!).ToArray(),
        };
    }

    public IReadOnlyList<RoutableModel> GetRoutableModels() => _router.RoutableModels();

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

    /// <summary>The request to send: a copy without the model when the model was a routing key.</summary>
    private static TRequest For<TRequest>(TRequest request, RoutePlan route)
        where TRequest : LlmRequestBase =>
        string.Equals(route.Model, request.Model, StringComparison.Ordinal) ? request : (TRequest)request.WithModel(route.Model);

    private bool IsRoutingKey(string? model) =>
        model is not null && _router.RoutableModels().Any(m => m.Kind != RoutableModelKind.Model && string.Equals(m.Name, model, StringComparison.OrdinalIgnoreCase));

    private static async IAsyncEnumerable<ChatStreamUpdate> SingleUpdateAsync(ILlmBackend backend, ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var response = await backend.ChatAsync(request, cancellationToken).ConfigureAwait(false);
        if (response is null || !response.Success)
        {
            throw new LlmBackendException(
                response?.Error ?? new LlmError { Kind = LlmErrorClassifier.FromErrorCode(response?.ErrorCode, response?.ErrorMessage).Kind, Message = response?.ErrorMessage ?? $"Backend '{backend.Name}' returned no response.", BackendName = backend.Name },
                Array.Empty<BackendAttempt>());
        }

        yield return new ChatStreamUpdate
        {
            ContentDelta = response.Content,
            ToolCalls = response.ToolCalls?.Select((call, index) => new ToolCallUpdate { Index = index, Id = call.Id, Name = call.Name, ArgumentsDelta = call.Arguments, Signature = call.Signature }).ToList(),
            FinishReason = response.FinishReason ?? FinishReasons.Stop,
            ModelUsed = response.ModelUsed,
            Usage = new LlmUsage { PromptTokens = response.PromptTokens, CompletionTokens = response.CompletionTokens, TotalTokens = response.TotalTokens },
        };
    }

    /// <summary>Reads the next update after output has started; a failure now ends the stream with a typed error.</summary>
    private async Task<ChatStreamUpdate?> NextUpdateAsync(
        BackendEntry entry,
        IAsyncEnumerator<ChatStreamUpdate> enumerator,
        long attemptStarted,
        List<BackendAttempt> attempts,
        CancellationToken cancellationToken)
    {
        try
        {
            RoutedAttempt.Enter(entry.Metrics);
            return await enumerator.MoveNextAsync().ConfigureAwait(false) ? enumerator.Current : null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            var error = ex is LlmBackendException typed
                ? typed.Error with { BackendName = entry.Name }
                : new LlmError { Kind = LlmErrorClassifier.FromException(ex), Message = $"Backend '{entry.Name}' failed mid-stream: {ex.Message}", BackendName = entry.Name };
            error = error with { Message = $"The stream from backend '{entry.Name}' broke after output had started; the answer is incomplete. {error.Message}" };
            entry.Metrics.RecordFailure(error.Message);
            attempts.Add(new BackendAttempt { BackendName = entry.Name, Model = entry.Config.ModelName, DurationMs = Elapsed(attemptStarted), Error = error });
            Log.AllBackendsFailed(_logger, attempts.Count, error.Message);
            Count(success: false, failedOver: false);
            throw new LlmBackendException(error, attempts);
        }
        finally
        {
            RoutedAttempt.Exit();
        }
    }

    private async Task<LlmResponse> ExecuteAsync<TRequest>(
        TRequest request,
        Func<ILlmBackend, TRequest, CancellationToken, Task<LlmResponse>> call,
        CancellationToken cancellationToken)
        where TRequest : LlmRequestBase
    {
        var started = _time.GetTimestamp();
        var route = _router.Plan(request.PreferredBackend, request.Model);
        if (route.Error is { } planError)
        {
            Count(success: false, failedOver: false);
            return Failed(planError, Array.Empty<BackendAttempt>(), started);
        }

        var plan = route.Backends;
        request = For(request, route);

        var attempts = new List<BackendAttempt>(plan.Count);
        foreach (var entry in plan)
        {
            var outcome = await RunAttemptAsync(entry, token => call(entry.State.Backend!, request, token), response => ErrorOf(entry, response), recordOutcome: true, cancellationToken).ConfigureAwait(false);
            if (outcome.Error is null)
            {
                var response = outcome.Result!;
                response.BackendUsed ??= entry.Name;
                if (string.IsNullOrEmpty(response.ModelUsed))
                {
                    response.ModelUsed = request.Model ?? entry.Config.ModelName;
                }

                if (string.IsNullOrEmpty(response.Content) && response.ToolCalls is not { Count: > 0 } && response.FinishReason is null && response.TotalTokens == 0
                    && _warnedEmptySuccess.TryAdd(entry.Name, true))
                {
                    Log.EmptySuccess(_logger, entry.Name);
                }

                attempts.Add(new BackendAttempt { BackendName = entry.Name, Model = response.ModelUsed, Success = true, DurationMs = outcome.DurationMs });
                response.Attempts = attempts;
                response.DurationMs = Elapsed(started);
                Log.RequestAnswered(_logger, entry.Name, response.ModelUsed ?? "unknown", response.DurationMs, attempts.Count);
                Count(success: true, failedOver: attempts.Count > 1);
                return response;
            }

            attempts.Add(new BackendAttempt { BackendName = entry.Name, Model = request.Model ?? entry.Config.ModelName, DurationMs = outcome.DurationMs, Error = outcome.Error });
            LogFailedAttempt(entry, outcome.DurationMs, outcome.Error, last: ReferenceEquals(entry, plan[^1]));
        }

        var final = Summarize(attempts);
        Log.AllBackendsFailed(_logger, attempts.Count, final.Message);
        Count(success: false, failedOver: false);
        return Failed(final, attempts, started);
    }

    /// <summary>
    /// Runs one attempt under the backend's time limit, marks it as routed (so the backend's own recording is not counted
    /// twice), and turns exceptions and error results into a typed error. Caller cancellation is rethrown.
    /// </summary>
    private async Task<AttemptOutcome<T>> RunAttemptAsync<T>(
        BackendEntry entry,
        Func<CancellationToken, Task<T>> call,
        Func<T, LlmError?> errorOf,
        bool recordOutcome,
        CancellationToken cancellationToken)
    {
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

        var started = _time.GetTimestamp();
        T? result = default;
        LlmError? error = null;
        RoutedAttempt.Enter(entry.Metrics);
        try
        {
            result = await call(attemptCancellation.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            error = Volatile.Read(ref timedOut) == 1
                ? TimedOut(entry, timeout)
                : ex is LlmBackendException typed
                    ? typed.Error.BackendName is null ? typed.Error with { BackendName = entry.Name } : typed.Error
                    : new LlmError { Kind = LlmErrorClassifier.FromException(ex), Message = $"Backend '{entry.Name}' threw {ex.GetType().Name}: {ex.Message}", BackendName = entry.Name };
        }
        finally
        {
            RoutedAttempt.Exit();
        }

        // A backend that swallows cancellation into an error result must not turn the caller's cancellation into a failover.
        cancellationToken.ThrowIfCancellationRequested();
        var duration = Elapsed(started);
        if (error is null && errorOf(result!) is { } resultError)
        {
            error = Volatile.Read(ref timedOut) == 1 ? TimedOut(entry, timeout) : resultError;
        }

        if (recordOutcome)
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

        if (result is LlmResponse response)
        {
            response.DurationMs = duration;
        }

        return new AttemptOutcome<T>(error is null ? result : default, error, duration);
    }

    private void LogFailedAttempt(BackendEntry entry, long durationMs, LlmError error, bool last)
    {
        if (last)
        {
            Log.AttemptFailed(_logger, entry.Name, durationMs, error.Kind.ToString(), error.Message);
        }
        else
        {
            Log.AttemptFailedFailingOver(_logger, entry.Name, durationMs, error.Kind.ToString(), error.Message);
        }
    }

    private static LlmError? ErrorOf(BackendEntry entry, LlmResponse? response)
    {
        if (response is null)
        {
            return new LlmError { Kind = LlmErrorKind.InvalidResponse, Message = $"Backend '{entry.Name}' returned no response.", BackendName = entry.Name };
        }

        if (response.Success)
        {
            return null;
        }

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

    private void Count(bool success, bool failedOver)
    {
        Interlocked.Increment(ref _totalRequests);
        Interlocked.Increment(ref success ? ref _successfulRequests : ref _failedRequests);
        if (failedOver)
        {
            Interlocked.Increment(ref _failedOverRequests);
        }
    }

    private long Elapsed(long started) => (long)_time.GetElapsedTime(started).TotalMilliseconds;

    private readonly record struct AttemptOutcome<T>(T? Result, LlmError? Error, long DurationMs);
}
