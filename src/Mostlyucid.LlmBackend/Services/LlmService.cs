using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Pipeline;
using Mostlyucid.LlmBackend.Resilience;
using Mostlyucid.LlmBackend.Routing;
using Mostlyucid.LlmBackend.Security;
using Mostlyucid.LlmBackend.Streaming;
using Mostlyucid.LlmBackend.Telemetry;

namespace Mostlyucid.LlmBackend.Services;

/// <summary>
/// The routing pipeline behind <see cref="ILlmService"/>, composed here from stages with one job each. A request's path,
/// top to bottom:
/// <list type="number">
/// <item><see cref="BackendRouter"/> plans it: which backends, in what order (route, strategy, health, open circuits).</item>
/// <item><see cref="FailoverRunner"/> (one-shot) or <see cref="StreamRunner"/> (streams) works through the plan within
/// the request's deadline: retries per backend (<see cref="RetryPipelines"/>, honouring <c>Retry-After</c>), hedging
/// (<see cref="Hedger"/>), failover, larger context windows only, stream continuation (<see cref="StreamOpener"/>).</item>
/// <item><see cref="AttemptRunner"/> / <see cref="StreamAttempt"/> make each attempt under the backend's circuit breaker
/// and time limits; <see cref="AttemptRecorder"/> records it once (statistics and breaker only for the backend's own
/// failures, secrets redacted).</item>
/// </list>
/// Validation comes before this (<c>Validation/ValidatingLlmService</c>); what the service reports about its backends is
/// <see cref="BackendInspection"/>.
/// </summary>
internal sealed class LlmService : ILlmService
{
    private static readonly BackendEligibility Embedding = new(
        "embed texts",
        "it needs a provider with embeddings (OpenAI, Azure OpenAI, Gemini, Ollama, Cohere or a plugin that implements IEmbeddingLlmBackend) and an EmbeddingModelName, or the request's Model",
        _ => true);

    private readonly BackendRouter _router;
    private readonly FailoverRunner _failover;
    private readonly StreamRunner _streams;
    private readonly BackendInspection _inspection;
    private readonly RequestCounters _counters = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, bool> _warnedEmptySuccess = new(StringComparer.OrdinalIgnoreCase);

    public LlmService(BackendRegistry registry, BackendRouter router, SecretRedactor redactor, TimeProvider time, ILogger<LlmService> logger, IModelCatalog? catalog = null)
    {
        _router = router;
        _time = time;
        _logger = logger;
        var recorder = new AttemptRecorder(redactor, time, logger);
        var hedger = new Hedger(time, logger);
        var windows = new ContextWindows(catalog);
        _failover = new FailoverRunner(registry, new AttemptRunner(recorder, registry, time), new RetryPipelines(time), hedger, windows, time);
        _streams = new StreamRunner(registry, new StreamOpener(registry, recorder, _failover, hedger, time), recorder, _counters, windows, time, logger);
        _inspection = new BackendInspection(registry, _counters, redactor);
    }

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
            _counters.Failed();
            return new EmbeddingResponse { Error = planError, DurationMs = ElapsedMs(started) };
        }

        if (!string.Equals(route.Model, request.Model, StringComparison.Ordinal))
        {
            request = new EmbeddingRequest { Inputs = request.Inputs, Model = route.Model, Dimensions = request.Dimensions, InputType = request.InputType, PreferredBackend = request.PreferredBackend };
        }

        var (response, attempts, error) = await _failover.RunAsync(
            route.Backends,
            new OneShotOperation<EmbeddingResponse>(
                (entry, ct) => ((IEmbeddingLlmBackend)entry.State.Backend!).EmbedAsync(request, ct),
                (entry, result) => EmbeddingErrorOf(entry, result, request.Inputs.Count),
                (entry, result) => result?.ModelUsed ?? request.Model ?? entry.Config.EmbeddingModelName),
            cancellationToken).ConfigureAwait(false);

        if (response is not null)
        {
            response.BackendUsed ??= attempts.Items[^1].BackendName;
            response.ModelUsed ??= attempts.Items[^1].Model;
            response.Attempts = attempts.Items;
            response.DurationMs = ElapsedMs(started);
            _counters.Succeeded(attempts.FailedOver);
            return response;
        }

        _counters.Failed();
        return new EmbeddingResponse { Error = error, BackendUsed = error!.BackendName, Attempts = attempts.Items, DurationMs = ElapsedMs(started) };
    }

    public IAsyncEnumerable<ChatStreamUpdate> StreamChatAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var route = _router.Plan(request.PreferredBackend, request.Model);
        if (route.Error is { } planError)
        {
            _counters.Failed();
            return Refusals.Stream(planError);
        }

        return _streams.StreamAsync(route.Backends, For(request, route), route.Route, cancellationToken);
    }

    public Task<ModelListResult> ListModelsAsync(string? backendName = null, CancellationToken cancellationToken = default) =>
        _inspection.ListModelsAsync(backendName, cancellationToken);

    public IReadOnlyList<RoutableModel> GetRoutableModels() => _router.RoutableModels();

    public IReadOnlyList<BackendInfo> GetBackends() => _inspection.GetBackends();

    public LlmServiceStatistics GetStatistics() => _inspection.GetStatistics();

    public Task<IReadOnlyList<BackendHealth>> GetHealthAsync(CancellationToken cancellationToken = default) => _inspection.GetHealthAsync(cancellationToken);

    public Task<IReadOnlyDictionary<string, bool>> CheckAvailabilityAsync(CancellationToken cancellationToken = default) => _inspection.CheckAvailabilityAsync(cancellationToken);

    /// <summary>The request to send: a copy without the model when the model was a routing key.</summary>
    private static TRequest For<TRequest>(TRequest request, RoutePlan route)
        where TRequest : LlmRequestBase =>
        string.Equals(route.Model, request.Model, StringComparison.Ordinal) ? request : (TRequest)request.WithModel(route.Model);

    private static LlmError? EmbeddingErrorOf(BackendEntry entry, EmbeddingResponse? result, int inputs) => result switch
    {
        null => new LlmError { Kind = LlmErrorKind.InvalidResponse, Message = $"Backend '{entry.Name}' returned no response.", BackendName = entry.Name },
        { Success: true } when result.Embeddings.Count != inputs => new LlmError
        {
            Kind = LlmErrorKind.InvalidResponse,
            Message = $"Backend '{entry.Name}' returned {result.Embeddings.Count} vectors for {inputs} inputs.",
            BackendName = entry.Name,
        },
        { Success: true } => null,
        _ => result.Error ?? new LlmError { Kind = LlmErrorKind.Unknown, Message = $"Backend '{entry.Name}' failed to embed.", BackendName = entry.Name },
    };

    private bool IsRoutingKey(string? model) =>
        model is not null && _router.RoutableModels().Any(m => m.Kind != RoutableModelKind.Model && string.Equals(m.Name, model, StringComparison.OrdinalIgnoreCase));

    private async Task<LlmResponse> AnswerAsync<TRequest>(TRequest request, Func<ILlmBackend, TRequest, CancellationToken, Task<LlmResponse>> call, CancellationToken cancellationToken)
        where TRequest : LlmRequestBase
    {
        var started = _time.GetTimestamp();
        var route = _router.Plan(request.PreferredBackend, request.Model);
        if (route.Error is { } planError)
        {
            _counters.Failed();
            return Failed(planError, Array.Empty<BackendAttempt>(), started);
        }

        request = For(request, route);
        var (response, attempts, error) = await _failover.RunAsync(
            route.Backends,
            new OneShotOperation<LlmResponse>(
                (entry, ct) => call(entry.State.Backend!, request, ct),
                RequestErrors.Of,
                (entry, result) => string.IsNullOrEmpty(result?.ModelUsed) ? request.Model ?? entry.Config.ModelName : result.ModelUsed),
            cancellationToken).ConfigureAwait(false);

        if (response is null)
        {
            Log.AllBackendsFailed(_logger, attempts.Count, error!.Message);
            _counters.Failed();
            return Failed(error, attempts.Items, started);
        }

        var answered = attempts.Items[^1];
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

        response.Attempts = attempts.Items;
        response.DurationMs = ElapsedMs(started);
        Log.RequestAnswered(_logger, answered.BackendName, response.ModelUsed ?? "unknown", response.DurationMs, attempts.Count);
        _counters.Succeeded(attempts.FailedOver);
        return response;
    }

    private LlmResponse Failed(LlmError error, IReadOnlyList<BackendAttempt> attempts, long started) => new()
    {
        Success = false,
        BackendUsed = error.BackendName,
        ModelUsed = attempts.Count > 0 ? attempts[^1].Model : null,
        DurationMs = ElapsedMs(started),
        ErrorCode = error.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? error.Kind.ToString(),
        ErrorMessage = error.Message,
        Error = error,
        Attempts = attempts,
    };

    private long ElapsedMs(long started) => (long)_time.GetElapsedTime(started).TotalMilliseconds;
}
