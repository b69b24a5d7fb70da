using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Pipeline;
using Mostlyucid.LlmBackend.Routing;

namespace Mostlyucid.LlmBackend.Telemetry;

/// <summary>
/// The outermost pipeline stage: each request is one span (<c>{gen_ai.operation.name} {model}</c>, kind Client) whose
/// attempts are its children (<see cref="AttemptSpans"/>), with the GenAI conventions' attributes and ours, and records
/// the request's metrics (<see cref="LlmMetrics"/>) when it ends — a stream when its last update has been read or it
/// failed. With nobody listening to the source or the meter, a call passes straight through.
/// </summary>
internal sealed class TelemetryLlmService : DelegatingLlmService
{
    private readonly BackendRegistry _registry;
    private readonly LlmMetrics _metrics;
    private readonly TimeProvider _time;
    private KnownNames? _known;

    public TelemetryLlmService(ILlmService inner, BackendRegistry registry, LlmMetrics metrics, TimeProvider time)
        : base(inner)
    {
        _registry = registry;
        _metrics = metrics;
        _time = time;
    }

    private bool Observed => LlmTelemetry.Source.HasListeners() || _metrics.Enabled;

    public override Task<LlmResponse> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Observed
            ? AnswerAsync(TelemetryNames.TextCompletion, request, static (inner, r, ct) => inner.CompleteAsync(r, ct), cancellationToken)
            : Inner.CompleteAsync(request, cancellationToken);
    }

    public override Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Observed
            ? AnswerAsync(TelemetryNames.Chat, request, static (inner, r, ct) => inner.ChatAsync(r, ct), cancellationToken)
            : Inner.ChatAsync(request, cancellationToken);
    }

    public override Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Observed ? EmbedObservedAsync(request, cancellationToken) : Inner.EmbedAsync(request, cancellationToken);
    }

    public override IAsyncEnumerable<ChatStreamUpdate> StreamChatAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);

        // The names are read here, not in the iterator, so a configuration that does not validate throws from the call, as
        // it does without telemetry.
        return Observed ? StreamObservedAsync(request, Known(), cancellationToken) : Inner.StreamChatAsync(request, cancellationToken);
    }

    private async Task<LlmResponse> AnswerAsync<TRequest>(string operation, TRequest request, Func<ILlmService, TRequest, CancellationToken, Task<LlmResponse>> call, CancellationToken cancellationToken)
        where TRequest : LlmRequestBase
    {
        var known = Known();
        var started = _time.GetTimestamp();
        using var span = StartRequest(operation, request.Model, known, out var metricModel);
        if (span is { IsAllDataRequested: true })
        {
            AddRequestParameters(span, request);
            if (known.Content is { RecordContent: true } content)
            {
                RecordInput(span, request, content.MaxContentLength);
            }
        }

        var outcome = default(Outcome);
        try
        {
            var response = await call(Inner, request, cancellationToken).ConfigureAwait(false);
            outcome = new Outcome
            {
                Success = response.Success,
                Error = response.Error,
                Backend = response.BackendUsed,
                ResponseModel = response.ModelUsed,
                ResponseId = response.ResponseId,
                FinishReason = response.FinishReason,
                InputTokens = response.PromptTokens,
                OutputTokens = response.CompletionTokens,
                CachedInputTokens = response.CachedPromptTokens,
                ReasoningTokens = response.ReasoningTokens,
                Cost = response.CostUsd,
                Attempts = response.Attempts,
            };
            if (span is { IsAllDataRequested: true } && response.Success && known.Content is { RecordContent: true } content)
            {
                SpanTags.Add(span, TelemetryNames.OutputMessages, GenAiContent.OutputMessages(response.Content, response.Reasoning, response.ToolCalls, response.FinishReason, content.MaxContentLength));
            }

            return response;
        }
        catch (Exception ex)
        {
            outcome = Outcome.Thrown(ex);
            throw;
        }
        finally
        {
            Finish(span, operation, metricModel, known, started, outcome);
        }
    }

    private async Task<EmbeddingResponse> EmbedObservedAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        var known = Known();
        var started = _time.GetTimestamp();
        using var span = StartRequest(TelemetryNames.Embeddings, request.Model, known, out var metricModel);
        if (span is { IsAllDataRequested: true } && request.Dimensions is { } dimensions)
        {
            SpanTags.Add(span, TelemetryNames.EmbeddingsDimensionCount, dimensions);
        }

        var outcome = default(Outcome);
        try
        {
            var response = await Inner.EmbedAsync(request, cancellationToken).ConfigureAwait(false);
            outcome = new Outcome
            {
                Success = response.Success,
                Error = response.Error,
                Backend = response.BackendUsed,
                ResponseModel = response.ModelUsed,
                InputTokens = response.PromptTokens,
                Cost = response.CostUsd,
                Attempts = response.Attempts,
            };
            return response;
        }
        catch (Exception ex)
        {
            outcome = Outcome.Thrown(ex);
            throw;
        }
        finally
        {
            Finish(span, TelemetryNames.Embeddings, metricModel, known, started, outcome);
        }
    }

    private async IAsyncEnumerable<ChatStreamUpdate> StreamObservedAsync(ChatRequest request, KnownNames known, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var span = StartRequest(TelemetryNames.Chat, request.Model, known, out var metricModel);
        ChatStreamAccumulator? answer = null;
        if (span is { IsAllDataRequested: true })
        {
            AddRequestParameters(span, request);
            SpanTags.Add(span, TelemetryNames.RequestStream, true);
            if (known.Content is { RecordContent: true } content)
            {
                RecordInput(span, request, content.MaxContentLength);
                answer = new ChatStreamAccumulator();
            }
        }

        // Until the stream ends it counts as abandoned: a consumer that stops reading early ends it as cancelled.
        var outcome = new Outcome { Cancelled = true };
        IAsyncEnumerator<ChatStreamUpdate>? updates = null;
        try
        {
            try
            {
                updates = Inner.StreamChatAsync(request, cancellationToken).GetAsyncEnumerator(cancellationToken);
            }
            catch (Exception ex)
            {
                outcome = Outcome.Thrown(ex);
                throw;
            }

            while (true)
            {
                bool more;
                try
                {
                    more = await updates.MoveNextAsync().ConfigureAwait(false);
                }
                catch (LlmBackendException ex)
                {
                    outcome.Cancelled = false;
                    outcome.Error = ex.Error;
                    outcome.Attempts = ex.Attempts;
                    outcome.Backend ??= ex.Error.BackendName;
                    throw;
                }
                catch (Exception ex)
                {
                    outcome.Cancelled = ex is OperationCanceledException;
                    outcome.Exception = ex is OperationCanceledException ? null : ex;
                    throw;
                }

                if (!more)
                {
                    outcome.Cancelled = false;
                    outcome.Success = true;
                    break;
                }

                var update = updates.Current;
                if (outcome.FirstChunk is null)
                {
                    outcome.FirstChunk = _time.GetElapsedTime(started);
                    outcome.FirstChunkBackend = update.BackendUsed;
                }

                outcome.Backend = update.BackendUsed ?? outcome.Backend;
                outcome.ResponseModel = update.ModelUsed ?? outcome.ResponseModel;
                outcome.ResponseId = update.ResponseId ?? outcome.ResponseId;
                outcome.FinishReason = update.FinishReason ?? outcome.FinishReason;
                outcome.Cost = update.CostUsd ?? outcome.Cost;
                outcome.Attempts = update.Attempts ?? outcome.Attempts;
                if (update.Usage is { } usage)
                {
                    outcome.InputTokens = usage.PromptTokens;
                    outcome.OutputTokens = usage.CompletionTokens;
                    outcome.CachedInputTokens = usage.CachedPromptTokens;
                    outcome.ReasoningTokens = usage.ReasoningTokens;
                }

                answer?.Add(update);
                yield return update;
            }
        }
        finally
        {
            if (updates is not null)
            {
                await updates.DisposeAsync().ConfigureAwait(false);
            }

            if (answer is not null && outcome.Success && known.Content is { } content)
            {
                var response = answer.ToResponse();
                SpanTags.Add(span!, TelemetryNames.OutputMessages, GenAiContent.OutputMessages(response.Content, response.Reasoning, response.ToolCalls, outcome.FinishReason, content.MaxContentLength));
            }

            Finish(span, TelemetryNames.Chat, metricModel, known, started, outcome);
            span?.Dispose();
        }
    }

    /// <summary>Starts a request's span (when anything listens) and gives the model as metrics may record it.</summary>
    private static Activity? StartRequest(string operation, string? requestedModel, KnownNames known, out string? metricModel)
    {
        var configured = known.Model(requestedModel);
        metricModel = requestedModel is null ? null : configured?.Name ?? TelemetryNames.OtherModel;
        var source = LlmTelemetry.Source;
        if (!source.HasListeners())
        {
            return null;
        }

        // The span's name carries the model only when it is a configured one: span names must stay few.
        var span = source.StartActivity(configured is null ? operation : known.SpanName(operation, configured.Name), ActivityKind.Client);
        if (span is not { IsAllDataRequested: true })
        {
            return span;
        }

        SpanTags.Add(span, TelemetryNames.OperationName, operation);
        SpanTags.Add(span, TelemetryNames.RequestModel, requestedModel);
        if (configured is { IsRoute: true })
        {
            SpanTags.Add(span, TelemetryNames.Route, configured.Name);
        }

        if (LlmCallContext.Current is { } caller)
        {
            // The key's name, never the key.
            SpanTags.Add(span, TelemetryNames.Caller, caller.CallerName);
            SpanTags.Add(span, TelemetryNames.RequestId, caller.RequestId);
        }

        return span;
    }

    private static void AddRequestParameters(Activity span, LlmRequestBase request)
    {
        if (request.MaxTokens is { } maxTokens)
        {
            SpanTags.Add(span, TelemetryNames.RequestMaxTokens, maxTokens);
        }

        if (request.Temperature is { } temperature)
        {
            SpanTags.Add(span, TelemetryNames.RequestTemperature, temperature);
        }

        if (request.TopP is { } topP)
        {
            SpanTags.Add(span, TelemetryNames.RequestTopP, topP);
        }

        if (request.Seed is { } seed)
        {
            SpanTags.Add(span, TelemetryNames.RequestSeed, seed);
        }
    }

    private static void RecordInput(Activity span, LlmRequestBase request, int maxLength)
    {
        switch (request)
        {
            case ChatRequest chat:
                SpanTags.Add(span, TelemetryNames.InputMessages, GenAiContent.InputMessages(chat.Messages, maxLength));
                break;
            case LlmRequest completion:
                SpanTags.Add(span, TelemetryNames.InputMessages, GenAiContent.InputMessages(completion.Prompt, maxLength));
                if (!string.IsNullOrEmpty(completion.SystemPrompt))
                {
                    SpanTags.Add(span, TelemetryNames.SystemInstructions, GenAiContent.SystemInstructions(completion.SystemPrompt, maxLength));
                }

                break;
        }
    }

    /// <summary>Puts the outcome on the request's span, ends it, and records the request's metrics.</summary>
    private void Finish(Activity? span, string operation, string? metricModel, KnownNames known, long started, in Outcome outcome)
    {
        var duration = _time.GetElapsedTime(started);
        var attempts = outcome.Attempts;
        var backendName = outcome.Backend ?? (attempts is { Count: > 0 } ? attempts[^1].BackendName : outcome.Error?.BackendName);
        var backend = known.Backend(backendName);
        var provider = backend?.Provider ?? TelemetryNames.None;
        var backendTag = backend?.Name ?? TelemetryNames.None;
        var errorType = outcome.ErrorType;
        var usageKnown = outcome.Success && (outcome.InputTokens > 0 || outcome.OutputTokens > 0);

        if (span is { IsAllDataRequested: true })
        {
            var counts = AttemptCounts.Of(attempts);
            SpanTags.Add(span, TelemetryNames.ProviderName, provider);
            SpanTags.Add(span, TelemetryNames.Backend, backendName);
            SpanTags.Add(span, TelemetryNames.ResponseModel, outcome.ResponseModel);
            SpanTags.Add(span, TelemetryNames.ResponseId, outcome.ResponseId);
            if (outcome.FinishReason is { } reason)
            {
                SpanTags.Add(span, TelemetryNames.ResponseFinishReasons, TelemetryValues.FinishReasonsOf(reason));
            }

            if (usageKnown)
            {
                SpanTags.Add(span, TelemetryNames.UsageInputTokens, outcome.InputTokens);
                if (operation != TelemetryNames.Embeddings)
                {
                    SpanTags.Add(span, TelemetryNames.UsageOutputTokens, outcome.OutputTokens);
                }

                if (outcome.CachedInputTokens > 0)
                {
                    SpanTags.Add(span, TelemetryNames.UsageCacheReadInputTokens, outcome.CachedInputTokens);
                }

                if (outcome.ReasoningTokens > 0)
                {
                    SpanTags.Add(span, TelemetryNames.UsageReasoningOutputTokens, outcome.ReasoningTokens);
                }
            }

            if (outcome.FirstChunk is { } first)
            {
                SpanTags.Add(span, TelemetryNames.ResponseTimeToFirstChunk, first.TotalSeconds);
            }

            if (outcome.Cost is { } cost)
            {
                SpanTags.Add(span, TelemetryNames.CostUsd, (double)cost);
            }

            SpanTags.Add(span, TelemetryNames.Attempts, counts.Attempts);
            SpanTags.Add(span, TelemetryNames.Failovers, counts.Failovers);
            SpanTags.Add(span, TelemetryNames.Retries, counts.Retries);
            SpanTags.Add(span, TelemetryNames.Hedges, counts.Hedges);
            SpanTags.Add(span, TelemetryNames.Continuations, counts.Continuations);
            if (errorType is not null)
            {
                SpanTags.Add(span, TelemetryNames.ErrorType, errorType);
                span.SetStatus(ActivityStatusCode.Error, outcome.Error?.Message ?? outcome.Exception?.GetType().Name ?? errorType);
            }
        }

        if (!_metrics.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { TelemetryNames.OperationName, operation },
            { TelemetryNames.ProviderName, provider },
            { TelemetryNames.Backend, backendTag },
        };
        if (metricModel is not null)
        {
            tags.Add(TelemetryNames.RequestModel, metricModel);
        }

        if (outcome.FirstChunk is { } firstChunk)
        {
            // Measured on the backend that sent the first chunk, which a continuation may not be.
            var firstBackend = known.Backend(outcome.FirstChunkBackend) ?? backend;
            var first = new TagList
            {
                { TelemetryNames.OperationName, operation },
                { TelemetryNames.ProviderName, firstBackend?.Provider ?? TelemetryNames.None },
                { TelemetryNames.Backend, firstBackend?.Name ?? TelemetryNames.None },
            };
            if (metricModel is not null)
            {
                first.Add(TelemetryNames.RequestModel, metricModel);
            }

            _metrics.TimeToFirstChunk.Record(firstChunk.TotalSeconds, first);
        }

        if (usageKnown)
        {
            var input = tags;
            input.Add(TelemetryNames.TokenType, TelemetryNames.Input);
            _metrics.TokenUsage.Record(outcome.InputTokens, input);
            if (operation != TelemetryNames.Embeddings)
            {
                var output = tags;
                output.Add(TelemetryNames.TokenType, TelemetryNames.Output);
                _metrics.TokenUsage.Record(outcome.OutputTokens, output);
            }
        }

        if (outcome.Cost is { } spent && spent > 0)
        {
            _metrics.Cost.Add((double)spent, tags);
        }

        if (errorType is not null)
        {
            tags.Add(TelemetryNames.ErrorType, errorType);
        }

        _metrics.OperationDuration.Record(duration.TotalSeconds, tags);
        if (attempts is { Count: > 0 })
        {
            RecordAttempts(operation, attempts, known);
        }
    }

    private void RecordAttempts(string operation, IReadOnlyList<BackendAttempt> attempts, KnownNames known)
    {
        for (var i = 0; i < attempts.Count; i++)
        {
            var attempt = attempts[i];
            var backend = known.Backend(attempt.BackendName)?.Name ?? TelemetryNames.None;
            _metrics.Attempts.Add(
                1,
                new KeyValuePair<string, object?>(TelemetryNames.OperationName, operation),
                new KeyValuePair<string, object?>(TelemetryNames.Backend, backend),
                new KeyValuePair<string, object?>(TelemetryNames.AttemptRole, TelemetryValues.Role(attempt.Role)),
                new KeyValuePair<string, object?>(TelemetryNames.AttemptOutcome, TelemetryValues.Outcome(attempt)));
            var counter = AttemptCounts.Kind(attempts, i) switch
            {
                AttemptKind.Failover => _metrics.Failovers,
                AttemptKind.Retry => _metrics.Retries,
                AttemptKind.Hedge => _metrics.Hedges,
                AttemptKind.Continuation => _metrics.Continuations,
                _ => null,
            };

            // A failover is counted against the backend the request moved away from.
            var about = counter == _metrics.Failovers ? known.Backend(attempts[i - 1].BackendName)?.Name ?? TelemetryNames.None : backend;
            counter?.Add(1, new KeyValuePair<string, object?>(TelemetryNames.OperationName, operation), new KeyValuePair<string, object?>(TelemetryNames.Backend, about));
        }
    }

    /// <summary>Gets the configured names for the current settings (rebuilt when the settings object changes).</summary>
    private KnownNames Known()
    {
        var settings = _registry.Settings;
        var known = _known;
        if (known is null || !ReferenceEquals(known.Settings, settings))
        {
            known = new KnownNames(settings);
            _known = known;
        }

        return known;
    }

    /// <summary>What a request ended with, as far as telemetry cares.</summary>
    private struct Outcome
    {
        public bool Success;
        public bool Cancelled;
        public LlmError? Error;
        public Exception? Exception;
        public string? Backend;
        public string? ResponseModel;
        public string? ResponseId;
        public string? FinishReason;
        public int InputTokens;
        public int OutputTokens;
        public int CachedInputTokens;
        public int ReasoningTokens;
        public decimal? Cost;
        public IReadOnlyList<BackendAttempt>? Attempts;
        public TimeSpan? FirstChunk;
        public string? FirstChunkBackend;

        /// <summary>Gets <c>error.type</c>, or <see langword="null"/> for a success.</summary>
        public readonly string? ErrorType =>
            Success ? null
            : Cancelled ? TelemetryNames.Cancelled
            : Error is { } error ? TelemetryValues.ErrorType(error.Kind)
            : Exception is { } exception ? exception.GetType().FullName ?? "exception"
            : "unknown";

        public static Outcome Thrown(Exception exception) => exception is OperationCanceledException
            ? new Outcome { Cancelled = true }
            : new Outcome { Exception = exception, Error = (exception as LlmBackendException)?.Error, Attempts = (exception as LlmBackendException)?.Attempts };
    }

    /// <summary>
    /// The configured names a request's metrics may carry — routes, backends and their models — so a dimension never takes
    /// a value a caller made up; and the span names for them.
    /// </summary>
    private sealed class KnownNames
    {
        private readonly Dictionary<string, ConfiguredModel> _models = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, ConfiguredBackend> _backends = new(StringComparer.OrdinalIgnoreCase);
        private readonly ConcurrentDictionary<(string Operation, string Model), string> _spanNames = new();

        public KnownNames(LlmSettings settings)
        {
            Settings = settings;
            Content = settings.Telemetry;
            foreach (var route in settings.Routes)
            {
                if (!string.IsNullOrWhiteSpace(route.Name))
                {
                    _models.TryAdd(route.Name.Trim(), new ConfiguredModel(route.Name.Trim(), IsRoute: true));
                }
            }

            foreach (var backend in settings.Backends)
            {
                if (string.IsNullOrWhiteSpace(backend.Name))
                {
                    continue;
                }

                _backends.TryAdd(backend.Name, new ConfiguredBackend(backend.Name, GenAiProviderNames.Of(backend)));
                foreach (var model in new[] { backend.Name, backend.ModelName, backend.EmbeddingModelName })
                {
                    if (!string.IsNullOrWhiteSpace(model))
                    {
                        _models.TryAdd(model.Trim(), new ConfiguredModel(model.Trim(), IsRoute: false));
                    }
                }
            }
        }

        public LlmSettings Settings { get; }

        public TelemetrySettings? Content { get; }

        public ConfiguredModel? Model(string? name) => name is not null && _models.TryGetValue(name, out var model) ? model : null;

        public ConfiguredBackend? Backend(string? name) => name is not null && _backends.TryGetValue(name, out var backend) ? backend : null;

        public string SpanName(string operation, string model) =>
            _spanNames.GetOrAdd((operation, model), static key => key.Operation + " " + key.Model);
    }

    private sealed record ConfiguredModel(string Name, bool IsRoute);

    private sealed record ConfiguredBackend(string Name, string Provider);
}
