using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Resilience;
using Mostlyucid.LlmBackend.Routing;
using Mostlyucid.LlmBackend.Security;
using Mostlyucid.LlmBackend.Telemetry;

namespace Mostlyucid.LlmBackend.Services;

/// <summary>
/// The pipeline behind <see cref="ILlmService"/>. For each request: plan the backends (route, strategy, health, open
/// circuits skipped); for each backend, attempts under its circuit breaker and time limit, retried by its Polly pipeline when
/// the failure is worth retrying (honouring <c>Retry-After</c>); then fail over, stop (fatal errors), or go only to larger
/// context windows — all within the request's deadline. Streams fail over invisibly until their first token; a stream that
/// breaks afterwards is continued on a backend that supports an assistant prefill, or ends with an error naming the cause.
/// Every attempt is recorded once: on the response, in the backend's statistics and in its circuit breaker.
/// </summary>
internal sealed class LlmService : ILlmService
{
    private static readonly BackendEligibility Embedding = new(
        "embed texts",
        "it needs a provider with embeddings (OpenAI, Azure OpenAI, Gemini, Ollama, Cohere or a plugin that implements IEmbeddingLlmBackend) and an EmbeddingModelName, or the request's Model",
        _ => true);

    private readonly BackendRegistry _registry;
    private readonly BackendRouter _router;
    private readonly RetryPipelines _retries;
    private readonly SecretRedactor _redactor;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, bool> _warnedEmptySuccess = new(StringComparer.OrdinalIgnoreCase);
    private long _totalRequests;
    private long _successfulRequests;
    private long _failedRequests;
    private long _failedOverRequests;

    public LlmService(BackendRegistry registry, BackendRouter router, SecretRedactor redactor, TimeProvider time, ILogger<LlmService> logger)
    {
        _registry = registry;
        _redactor = redactor;
        _router = router;
        _time = time;
        _logger = logger;
        _retries = new RetryPipelines(time);
    }

    private ResilienceSettings Resilience => _registry.Settings.Resilience;

    public Task<LlmResponse> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AnswerAsync(request, static (backend, r, ct) => backend.CompleteAsync(r, ct), cancellationToken);
    }

    public Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AnswerAsync(request, static (backend, r, ct) => backend.ChatAsync(r, ct), cancellationToken);
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

        if (!string.Equals(route.Model, request.Model, StringComparison.Ordinal))
        {
            request = new EmbeddingRequest { Inputs = request.Inputs, Model = route.Model, Dimensions = request.Dimensions, InputType = request.InputType, PreferredBackend = request.PreferredBackend };
        }

        var (response, attempts, error) = await RunAsync(
            route.Backends,
            (entry, ct) => ((IEmbeddingLlmBackend)entry.State.Backend!).EmbedAsync(request, ct),
            (entry, result) => result switch
            {
                null => new LlmError { Kind = LlmErrorKind.InvalidResponse, Message = $"Backend '{entry.Name}' returned no response.", BackendName = entry.Name },
                { Success: true } when result.Embeddings.Count != request.Inputs.Count => new LlmError
                {
                    Kind = LlmErrorKind.InvalidResponse,
                    Message = $"Backend '{entry.Name}' returned {result.Embeddings.Count} vectors for {request.Inputs.Count} inputs.",
                    BackendName = entry.Name,
                },
                { Success: true } => null,
                _ => result.Error ?? new LlmError { Kind = LlmErrorKind.Unknown, Message = $"Backend '{entry.Name}' failed to embed.", BackendName = entry.Name },
            },
            (entry, result) => result?.ModelUsed ?? request.Model ?? entry.Config.EmbeddingModelName,
            cancellationToken).ConfigureAwait(false);

        if (response is not null)
        {
            response.BackendUsed ??= attempts[^1].BackendName;
            response.ModelUsed ??= attempts[^1].Model;
            response.Attempts = attempts;
            response.DurationMs = Elapsed(started);
            Count(success: true, failedOver: attempts.Select(a => a.BackendName).Distinct().Count() > 1);
            return response;
        }

        Count(success: false, failedOver: false);
        return new EmbeddingResponse { Error = error, BackendUsed = error!.BackendName, Attempts = attempts, DurationMs = Elapsed(started) };
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

        request = For(request, route);
        using var deadline = Deadline(cancellationToken);
        var attempts = new List<BackendAttempt>();
        var remaining = new Queue<BackendEntry>(route.Backends);
        var counted = false;
        var (current, error) = await OpenAsync(remaining, request, prefill: null, attempts, deadline, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            Count(success: false, failedOver: false);
            Log.AllBackendsFailed(_logger, attempts.Count, error!.Message);
            throw new LlmBackendException(error, attempts);
        }

        var sent = new StringBuilder();
        var sentToolCalls = false;
        LlmError? breakCause = null;
        LlmError? continuationBroke = null;
        var continuationPlanned = false;
        string? model = null;
        try
        {
            var update = current.First;
            while (true)
            {
                while (update is not null)
                {
                    update.BackendUsed = current.Entry.Name;
                    update.Attempt = attempts.Count + 1;
                    model = update.ModelUsed ?? model;
                    sent.Append(update.ContentDelta);
                    sentToolCalls |= update.ToolCalls is { Count: > 0 };
                    yield return update;
                    (update, error) = await NextAsync(current, deadline, cancellationToken).ConfigureAwait(false);
                    if (error is not null)
                    {
                        break;
                    }
                }

                if (error is null)
                {
                    current.Settled = true;
                    Record(current.Entry, attempts, model ?? request.Model ?? current.Entry.Config.ModelName, current.Started, current.TimeToFirstTokenMs, null);
                    var total = Elapsed(started);
                    Log.RequestAnswered(_logger, current.Entry.Name, model ?? "unknown", total, attempts.Count);
                    Count(success: true, failedOver: attempts.Select(a => a.BackendName).Distinct().Count() > 1);
                    counted = true;
                    yield break;
                }

                // The stream broke after output reached the caller: record it, then continue elsewhere or say it is incomplete.
                current.Settled = true;
                error = Record(current.Entry, attempts, model ?? current.Entry.Config.ModelName, current.Started, current.TimeToFirstTokenMs, error)!;
                continuationBroke = breakCause is null ? null : error;
                breakCause ??= error;
                var brokenBackend = current.Entry.Name;
                await current.DisposeAsync().ConfigureAwait(false);
                current = null;
                LlmError? continuationError = null;
                if (Resilience.ContinueBrokenStreams && !sentToolCalls && sent.Length > 0)
                {
                    if (!continuationPlanned)
                    {
                        // Planned at the first break only, so each backend gets at most one continuation attempt.
                        remaining = ContinuationOrder(remaining, route.Backends, brokenBackend, attempts);
                        continuationPlanned = true;
                    }

                    var tried = attempts.Count;
                    (current, continuationError) = await OpenAsync(remaining, request, sent.ToString(), attempts, deadline, cancellationToken).ConfigureAwait(false);
                    if (attempts.Count == tried)
                    {
                        // Nothing left could take a prefill: that, not "no backend could be tried", is the reason.
                        continuationError = null;
                    }
                }

                if (current is null)
                {
                    var incomplete = Incomplete(breakCause, sent.Length, sentToolCalls, continuationError, continuationBroke);
                    Log.AllBackendsFailed(_logger, attempts.Count, incomplete.Message);
                    Count(success: false, failedOver: false);
                    counted = true;
                    throw new LlmBackendException(incomplete, attempts);
                }

                Log.StreamContinued(_logger, breakCause.BackendName ?? "unknown", current.Entry.Name, sent.Length);
                update = current.First;
                error = null;

                // A continuation often restarts with the space the prefill ended with; the caller already has that space.
                if (update?.ContentDelta is { Length: > 0 } resumed && sent.Length > 0 && char.IsWhiteSpace(sent[^1]) && char.IsWhiteSpace(resumed[0]))
                {
                    update.ContentDelta = resumed.TrimStart();
                }
            }
        }
        finally
        {
            if (current is not null)
            {
                await current.DisposeAsync().ConfigureAwait(false);
            }

            if (!counted && cancellationToken.IsCancellationRequested)
            {
                Count(success: false, failedOver: false);
            }
        }
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
                return (Array.Empty<LlmModelInfo>(), _redactor.Redact(ex.Error with { BackendName = entry.Name }));
            }
            catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                var error = BackendExceptionErrors.From(entry.Name, ex);
                return (Array.Empty<LlmModelInfo>(), _redactor.Redact(error with { Message = $"Listing its models failed. {error.Message}" }));
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
        Backends = _registry.Entries.Where(e => e.State.Status != BackendStatus.Disabled).Select(e => _redactor.Redact(e.Metrics.Snapshot(e.Name))).ToArray(),
    };

    public async Task<IReadOnlyList<BackendHealth>> GetHealthAsync(CancellationToken cancellationToken = default)
    {
        var ready = _registry.ReadyEntries;
        var health = new BackendHealth[ready.Count];
        for (var i = 0; i < ready.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            health[i] = _redactor.Redact(await ready[i].State.Backend!.GetHealthAsync().ConfigureAwait(false));
            health[i].CircuitState = ready[i].Breaker.State.ToString();
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

    private static bool SupportsPrefill(BackendEntry entry) =>
        entry.Config.SupportsAssistantPrefill ?? (entry.State.Backend as ILlmBackendCapabilities)?.SupportsAssistantPrefill ?? false;

    private static ChatRequest WithPrefill(ChatRequest request, string prefill)
    {
        var copy = (ChatRequest)request.WithModel(request.Model);
        copy.Messages = new List<ChatMessage>(request.Messages) { new() { Role = ChatRole.Assistant, Content = prefill } };
        return copy;
    }

    private static LlmError Incomplete(LlmError cause, int characters, bool toolCalls, LlmError? continuation, LlmError? continuationBroke)
    {
        var why = toolCalls
            ? "A tool call was being streamed, which cannot be continued elsewhere."
            : continuation is not null
                ? $"Continuing it elsewhere failed: {continuation.Message}"
                : continuationBroke is not null
                    ? $"It was continued on backend '{continuationBroke.BackendName}', which broke too ({continuationBroke.Message}), and no other backend can continue it."
                    : "No remaining backend can continue a partial answer (SupportsAssistantPrefill), so it was not continued.";
        return cause with
        {
            Message = $"The stream from backend '{cause.BackendName}' broke after {characters} characters of output: {cause.Message} {why} The answer is incomplete.",
        };
    }

    private bool IsRoutingKey(string? model) =>
        model is not null && _router.RoutableModels().Any(m => m.Kind != RoutableModelKind.Model && string.Equals(m.Name, model, StringComparison.OrdinalIgnoreCase));

    private async Task<LlmResponse> AnswerAsync<TRequest>(TRequest request, Func<ILlmBackend, TRequest, CancellationToken, Task<LlmResponse>> call, CancellationToken cancellationToken)
        where TRequest : LlmRequestBase
    {
        var started = _time.GetTimestamp();
        var route = _router.Plan(request.PreferredBackend, request.Model);
        if (route.Error is { } planError)
        {
            Count(success: false, failedOver: false);
            return Failed(planError, Array.Empty<BackendAttempt>(), started);
        }

        request = For(request, route);
        var (response, attempts, error) = await RunAsync(
            route.Backends,
            (entry, ct) => call(entry.State.Backend!, request, ct),
            ErrorOf,
            (entry, result) => string.IsNullOrEmpty(result?.ModelUsed) ? request.Model ?? entry.Config.ModelName : result.ModelUsed,
            cancellationToken).ConfigureAwait(false);

        if (response is null)
        {
            Log.AllBackendsFailed(_logger, attempts.Count, error!.Message);
            Count(success: false, failedOver: false);
            return Failed(error, attempts, started);
        }

        var answered = attempts[^1];
        response.BackendUsed ??= answered.BackendName;
        if (string.IsNullOrEmpty(response.ModelUsed))
        {
            response.ModelUsed = answered.Model;
        }

        if (string.IsNullOrEmpty(response.Content) && response.ToolCalls is not { Count: > 0 } && response.FinishReason is null && response.TotalTokens == 0
            && _warnedEmptySuccess.TryAdd(answered.BackendName, true))
        {
            Log.EmptySuccess(_logger, answered.BackendName);
        }

        response.Attempts = attempts;
        response.DurationMs = Elapsed(started);
        Log.RequestAnswered(_logger, answered.BackendName, response.ModelUsed ?? "unknown", response.DurationMs, attempts.Count);
        Count(success: true, failedOver: attempts.Select(a => a.BackendName).Distinct().Count() > 1);
        return response;
    }

    /// <summary>
    /// Tries the planned backends for a one-shot operation: retries per backend, then fail over, stop, or larger-context
    /// backends only, within the request deadline. With the Hedged strategy the first two backends race.
    /// </summary>
    private async Task<(TResult? Result, List<BackendAttempt> Attempts, LlmError? Error)> RunAsync<TResult>(
        IReadOnlyList<BackendEntry> plan,
        Func<BackendEntry, CancellationToken, Task<TResult>> call,
        Func<BackendEntry, TResult?, LlmError?> errorOf,
        Func<BackendEntry, TResult?, string?> modelOf,
        CancellationToken cancellationToken)
        where TResult : class
    {
        using var deadline = Deadline(cancellationToken);
        var attempts = new List<BackendAttempt>();
        var remaining = new Queue<BackendEntry>(plan);
        LlmError? last = null;
        int? contextFloor = null;
        try
        {
            while (Next(remaining, contextFloor) is { } entry)
            {
                AttemptOutcome<TResult> outcome;
                if (_registry.Settings.SelectionStrategy == BackendSelectionStrategy.Hedged && attempts.Count == 0 && Next(remaining, contextFloor, peek: true) is { } second)
                {
                    outcome = await HedgeAsync(
                        entry,
                        second,
                        (e, ct) => WithRetriesAsync(e, ct2 => AttemptAsync(e, call, errorOf, modelOf, attempts, ct2), ct),
                        () => remaining.Dequeue(),
                        deadline.Token).ConfigureAwait(false);
                }
                else
                {
                    outcome = await WithRetriesAsync(entry, ct => AttemptAsync(entry, call, errorOf, modelOf, attempts, ct), deadline.Token).ConfigureAwait(false);
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
                    contextFloor = Math.Max(contextFloor ?? 0, outcome.Entry?.Config.MaxInputTokens ?? int.MaxValue);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && deadline.Expired)
        {
            // Reported below: the deadline, not the last attempt, ended the request.
        }

        if (!cancellationToken.IsCancellationRequested && deadline.Expired)
        {
            return (null, attempts, DeadlineExpired(Summarize(attempts, last)));
        }

        return (null, attempts, Summarize(attempts, last) ?? new LlmError
        {
            Kind = LlmErrorKind.NoBackendAvailable,
            Message = contextFloor is not null
                ? "The prompt does not fit the context window, and no remaining backend has a larger one (set MaxInputTokens on backends to let the router pick larger ones)."
                : "No backend could be tried.",
        });
    }

    /// <summary>Runs an attempt under the backend's retry pipeline, if it has one.</summary>
    private async Task<TOutcome> WithRetriesAsync<TOutcome>(BackendEntry entry, Func<CancellationToken, Task<TOutcome>> attempt, CancellationToken cancellationToken)
        where TOutcome : IAttemptOutcome
    {
        var pipeline = _retries.For(entry, Resilience);
        return pipeline is null
            ? await attempt(cancellationToken).ConfigureAwait(false)
            : await pipeline.ExecuteAsync(async ct => await attempt(ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts <paramref name="first"/>; if it has not answered after the hedging delay, starts <paramref name="second"/> as
    /// well. The first success wins and the other is cancelled; when both fail, the later failure is returned.
    /// </summary>
    private async Task<TOutcome> HedgeAsync<TOutcome>(BackendEntry first, BackendEntry second, Func<BackendEntry, CancellationToken, Task<TOutcome>> attempt, Action takeSecond, CancellationToken cancellationToken)
        where TOutcome : IAttemptOutcome
    {
        using var firstCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var secondCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var firstTask = attempt(first, firstCancellation.Token);
        var delay = Task.Delay(TimeSpan.FromMilliseconds(Resilience.HedgingDelayMs), _time, cancellationToken);
        if (await Task.WhenAny(firstTask, delay).ConfigureAwait(false) == firstTask)
        {
            return await firstTask.ConfigureAwait(false);
        }

        takeSecond();
        Log.Hedging(_logger, first.Name, Resilience.HedgingDelayMs, second.Name);
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

    /// <summary>
    /// The stream's next update under its stall limit. The request's deadline running out mid-answer is reported as a
    /// timeout error (so the caller gets an error frame, not a cut connection); only the caller's own cancellation is
    /// rethrown.
    /// </summary>
    private async Task<(ChatStreamUpdate? Update, LlmError? Error)> NextAsync(StreamAttempt current, RequestDeadline deadline, CancellationToken cancellationToken)
    {
        try
        {
            return await current.NextAsync(IdleTimeout(current.Entry), deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && deadline.Expired)
        {
            return (null, DeadlineExpired(null) with { BackendName = current.Entry.Name, Kind = LlmErrorKind.Timeout });
        }
    }

    /// <summary>Takes the next backend that may be tried (larger context only, when that is required).</summary>
    private static BackendEntry? Next(Queue<BackendEntry> remaining, int? contextFloor, bool peek = false)
    {
        while (remaining.Count > 0)
        {
            var entry = peek ? remaining.Peek() : remaining.Dequeue();
            if (contextFloor is not { } floor || entry.Config.MaxInputTokens > floor)
            {
                return entry;
            }

            if (peek)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>One attempt: the circuit breaker's permission, the time limit, classification, and recording.</summary>
    private async Task<AttemptOutcome<TResult>> AttemptAsync<TResult>(
        BackendEntry entry,
        Func<BackendEntry, CancellationToken, Task<TResult>> call,
        Func<BackendEntry, TResult?, LlmError?> errorOf,
        Func<BackendEntry, TResult?, string?> modelOf,
        List<BackendAttempt> attempts,
        CancellationToken cancellationToken)
        where TResult : class
    {
        var started = _time.GetTimestamp();
        if (!entry.Breaker.TryEnter())
        {
            var open = CircuitOpen(entry);
            lock (attempts)
            {
                attempts.Add(new BackendAttempt { BackendName = entry.Name, Model = entry.Config.ModelName, Error = open });
            }

            return new AttemptOutcome<TResult>(entry, null, open);
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
        RoutedAttempt.Enter(entry.Metrics);
        try
        {
            result = await call(entry, attemptCancellation.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            entry.Breaker.Abandon();
            throw;
        }
        catch (Exception ex)
        {
            error = Volatile.Read(ref timedOut) == 1
                ? TimedOut(entry, timeout)
                : BackendExceptionErrors.From(entry.Name, ex);
        }
        finally
        {
            RoutedAttempt.Exit();
        }

        // A backend that swallows cancellation into an error result must not turn the caller's cancellation into a failover.
        if (cancellationToken.IsCancellationRequested)
        {
            entry.Breaker.Abandon();
            cancellationToken.ThrowIfCancellationRequested();
        }

        if (error is null && errorOf(entry, result) is { } resultError)
        {
            error = Volatile.Read(ref timedOut) == 1 ? TimedOut(entry, timeout) : resultError;
        }

        error = Record(entry, attempts, modelOf(entry, result), started, null, error);
        if (result is LlmResponse response)
        {
            response.DurationMs = Elapsed(started);
        }

        return new AttemptOutcome<TResult>(entry, error is null ? result : null, error);
    }

    /// <summary>
    /// Opens a stream on the next backend that works, retrying per backend and failing over; with a prefill, only backends
    /// that can continue a partial answer are tried, and they are asked to continue it.
    /// </summary>
    private async Task<(StreamAttempt? Attempt, LlmError? Error)> OpenAsync(
        Queue<BackendEntry> remaining,
        ChatRequest request,
        string? prefill,
        List<BackendAttempt> attempts,
        RequestDeadline deadline,
        CancellationToken cancellationToken)
    {
        var toSend = prefill is null ? request : WithPrefill(request, prefill);
        LlmError? last = null;
        int? contextFloor = null;
        try
        {
            while (Next(remaining, contextFloor) is { } entry)
            {
                if (prefill is not null && !SupportsPrefill(entry))
                {
                    continue;
                }

                StreamAttempt opened;
                if (prefill is null && _registry.Settings.SelectionStrategy == BackendSelectionStrategy.Hedged && attempts.Count == 0 && Next(remaining, contextFloor, peek: true) is { } second)
                {
                    opened = await HedgeAsync(entry, second, (e, ct) => WithRetriesAsync(e, c => OpenOnceAsync(e, toSend, attempts, c), ct), () => remaining.Dequeue(), deadline.Token).ConfigureAwait(false);
                }
                else
                {
                    opened = await WithRetriesAsync(entry, ct => OpenOnceAsync(entry, toSend, attempts, ct), deadline.Token).ConfigureAwait(false);
                }

                if (opened.Error is null)
                {
                    return (opened, null);
                }

                last = opened.Error;
                var disposition = LlmErrorClassifier.Disposition(last);
                if (disposition == ErrorDisposition.Fatal && prefill is null)
                {
                    break;
                }

                if (disposition == ErrorDisposition.FailOverToLargerContext)
                {
                    contextFloor = Math.Max(contextFloor ?? 0, entry.Config.MaxInputTokens ?? int.MaxValue);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && deadline.Expired)
        {
            // Reported below: the deadline, not the last attempt, ended the request.
        }

        if (!cancellationToken.IsCancellationRequested && deadline.Expired)
        {
            return (null, DeadlineExpired(prefill is null ? Summarize(attempts, last) : last));
        }

        return (null, (prefill is null ? Summarize(attempts, last) : last) ?? new LlmError { Kind = LlmErrorKind.NoBackendAvailable, Message = "No backend could be tried." });
    }

    /// <summary>
    /// Where a broken stream may continue: the backends not tried yet, then those that failed before answering (their
    /// failure may have been passing), then the one that broke — each once, and none that refused the request for good
    /// (a fatal or context-length error).
    /// </summary>
    private static Queue<BackendEntry> ContinuationOrder(Queue<BackendEntry> untried, IReadOnlyList<BackendEntry> plan, string broken, List<BackendAttempt> attempts)
    {
        HashSet<string> refused;
        lock (attempts)
        {
            refused = attempts
                .Where(a => a.Error is { } e && LlmErrorClassifier.Disposition(e) is ErrorDisposition.Fatal or ErrorDisposition.FailOverToLargerContext)
                .Select(a => a.BackendName)
                .ToHashSet(StringComparer.OrdinalIgnoreCase);
        }

        var order = new Queue<BackendEntry>(untried);
        foreach (var entry in plan.Where(e => !untried.Contains(e) && !refused.Contains(e.Name)).OrderBy(e => string.Equals(e.Name, broken, StringComparison.OrdinalIgnoreCase)))
        {
            order.Enqueue(entry);
        }

        return order;
    }

    private async Task<StreamAttempt> OpenOnceAsync(BackendEntry entry, ChatRequest request, List<BackendAttempt> attempts, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        if (!entry.Breaker.TryEnter())
        {
            var open = CircuitOpen(entry);
            lock (attempts)
            {
                attempts.Add(new BackendAttempt { BackendName = entry.Name, Model = entry.Config.ModelName, Error = open });
            }

            return StreamAttempt.Failed(entry, open);
        }

        StreamAttempt attempt;
        try
        {
            attempt = await StreamAttempt.OpenAsync(entry, request, FirstTokenTimeout(entry), _time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            entry.Breaker.Abandon();
            throw;
        }

        if (attempt.Error is not null)
        {
            attempt.Settled = true;
            attempt.Error = Record(entry, attempts, request.Model ?? entry.Config.ModelName, started, null, attempt.Error);
        }

        return attempt;
    }

    /// <summary>
    /// Records an attempt's outcome once: on the response, in the backend's statistics and in its circuit breaker — the
    /// last two only when the backend caused the failure. Secrets are redacted from the error first, so every later use
    /// (the caller's error, logs, statistics, health) sees the redacted text.
    /// </summary>
    /// <returns>The error as recorded (redacted), or <see langword="null"/> for a success.</returns>
    private LlmError? Record(BackendEntry entry, List<BackendAttempt> attempts, string? model, long started, long? timeToFirstToken, LlmError? error)
    {
        var duration = Elapsed(started);
        if (error is not null)
        {
            error = _redactor.Redact(error);
        }

        lock (attempts)
        {
            attempts.Add(new BackendAttempt { BackendName = entry.Name, Model = model, Success = error is null, DurationMs = duration, TimeToFirstTokenMs = timeToFirstToken, Error = error });
        }

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

    private TimeSpan FirstTokenTimeout(BackendEntry entry) => TimeSpan.FromSeconds(entry.Config.FirstTokenTimeoutSeconds ?? Resilience.FirstTokenTimeoutSeconds);

    private TimeSpan IdleTimeout(BackendEntry entry) => TimeSpan.FromSeconds(entry.Config.IdleTimeoutSeconds ?? Resilience.IdleTimeoutSeconds);

    private RequestDeadline Deadline(CancellationToken cancellationToken) =>
        new(TimeSpan.FromSeconds(Resilience.RequestDeadlineSeconds), _time, cancellationToken);

    /// <summary>
    /// The request's final error: the last failure, with every failed attempt listed when there were several (rate limited
    /// everywhere is reported as rate limited, with the shortest wait).
    /// </summary>
    private static LlmError? Summarize(List<BackendAttempt> attempts, LlmError? last)
    {
        if (last is null)
        {
            return null;
        }

        List<LlmError> errors;
        lock (attempts)
        {
            errors = attempts.Where(a => a.Error is not null).Select(a => a.Error!).ToList();
        }

        if (errors.Count <= 1)
        {
            return last;
        }

        var allRateLimited = errors.All(e => e.Kind is LlmErrorKind.RateLimited or LlmErrorKind.CircuitOpen) && errors.Any(e => e.Kind == LlmErrorKind.RateLimited);
        return last with
        {
            Kind = allRateLimited ? LlmErrorKind.RateLimited : last.Kind,
            RetryAfter = allRateLimited ? errors.Where(e => e.RetryAfter is not null).Min(e => e.RetryAfter) : last.RetryAfter,
            Message = $"All {errors.Count} attempts failed ({string.Join(", ", errors.Select(e => e.BackendName).Distinct())}): " + string.Join(" | ", errors.Select(e => e.Message)),
        };
    }

    private LlmError DeadlineExpired(LlmError? last) => new()
    {
        Kind = LlmErrorKind.Timeout,
        Message = $"The request did not finish within its deadline of {Resilience.RequestDeadlineSeconds} s (Resilience:RequestDeadlineSeconds)." + (last is null ? string.Empty : $" Last failure: {last.Message}"),
        BackendName = last?.BackendName,
        StatusCode = last?.StatusCode,
    };

    private static LlmError CircuitOpen(BackendEntry entry) => new()
    {
        Kind = LlmErrorKind.CircuitOpen,
        Message = $"Backend '{entry.Name}' is skipped: its circuit is open after repeated failures; it is probed again in {Math.Ceiling(entry.Breaker.UntilProbe.TotalSeconds)} s.",
        RetryAfter = entry.Breaker.UntilProbe,
        BackendName = entry.Name,
    };

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
}
