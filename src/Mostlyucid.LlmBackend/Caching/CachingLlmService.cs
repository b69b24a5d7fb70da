using System.Diagnostics;
using System.Runtime.CompilerServices;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Pipeline;
using Mostlyucid.LlmBackend.Telemetry;

namespace Mostlyucid.LlmBackend.Caching;

/// <summary>
/// The response cache stage: an identical request (<see cref="ResponseCacheKeys"/>) is answered from the cache with no
/// backend call — a stream as a stream — and marked as a hit (<see cref="LlmResponse.CacheHit"/>, cost 0), so the ledger
/// outside it records a hit that cost nothing. A fresh successful answer is stored; a streamed one only when the stream
/// ended normally (never a failed, cut or abandoned one). What it did is put on the call context
/// (<see cref="LlmCallContext.CacheOutcome"/>), the request's span (<c>llmb.cache</c>) and the
/// <c>llmb.cache.requests</c> metric.
/// </summary>
internal sealed class CachingLlmService : DelegatingLlmService
{
    private readonly ResponseCache _cache;
    private readonly CachePolicy _policy;
    private readonly CachingSettings _settings;
    private readonly LlmMetrics _metrics;

    public CachingLlmService(ILlmService inner, ResponseCache cache, CachingSettings settings, LlmMetrics metrics)
        : base(inner)
    {
        _cache = cache;
        _settings = settings;
        _policy = new CachePolicy(settings.CacheableRequests);
        _metrics = metrics;
    }

    public override async Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        var decision = _policy.Decide(request, Control());
        if (!decision.Uses)
        {
            Done(TelemetryNames.Chat, LlmCacheOutcome.Bypass);
            return await Inner.ChatAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var key = ResponseCacheKeys.For(request, Scope(), _settings.KeyPrefix);
        return await AnswerAsync(TelemetryNames.Chat, key, decision, request, static (inner, r, ct) => inner.ChatAsync(r, ct), cancellationToken).ConfigureAwait(false);
    }

    public override async Task<LlmResponse> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default)
    {
        var decision = _policy.Decide(request, Control());
        if (!decision.Uses)
        {
            Done(TelemetryNames.TextCompletion, LlmCacheOutcome.Bypass);
            return await Inner.CompleteAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var key = ResponseCacheKeys.For(request, Scope(), _settings.KeyPrefix);
        return await AnswerAsync(TelemetryNames.TextCompletion, key, decision, request, static (inner, r, ct) => inner.CompleteAsync(r, ct), cancellationToken).ConfigureAwait(false);
    }

    public override async Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default)
    {
        var decision = CachePolicy.DecideEmbedding(Control());
        if (!decision.Uses)
        {
            Done(TelemetryNames.Embeddings, LlmCacheOutcome.Bypass);
            return await Inner.EmbedAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var key = ResponseCacheKeys.For(request, Scope(), _settings.KeyPrefix);
        if (decision.Read && await _cache.GetAsync(key, cancellationToken).ConfigureAwait(false) is { Embeddings: not null } hit)
        {
            Done(TelemetryNames.Embeddings, LlmCacheOutcome.Hit);
            return hit.ToEmbeddingResponse();
        }

        Done(TelemetryNames.Embeddings, _cache.Available ? LlmCacheOutcome.Miss : LlmCacheOutcome.Bypass);
        var response = await Inner.EmbedAsync(request, cancellationToken).ConfigureAwait(false);
        if (decision.Write && response.Success)
        {
            await _cache.SetAsync(key, CachedAnswer.From(response)).ConfigureAwait(false);
        }

        return response;
    }

    public override IAsyncEnumerable<ChatStreamUpdate> StreamChatAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        var decision = _policy.Decide(request, Control());
        if (!decision.Uses)
        {
            Done(TelemetryNames.Chat, LlmCacheOutcome.Bypass);
            return Inner.StreamChatAsync(request, cancellationToken);
        }

        return StreamAsync(request, ResponseCacheKeys.For(request, Scope(), _settings.KeyPrefix), decision, cancellationToken);
    }

    private async IAsyncEnumerable<ChatStreamUpdate> StreamAsync(ChatRequest request, string key, CacheDecision decision, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (decision.Read && await _cache.GetAsync(key, cancellationToken).ConfigureAwait(false) is { Embeddings: null } hit)
        {
            Done(TelemetryNames.Chat, LlmCacheOutcome.Hit);
            foreach (var update in hit.ToUpdates())
            {
                yield return update;
            }

            yield break;
        }

        Done(TelemetryNames.Chat, _cache.Available ? LlmCacheOutcome.Miss : LlmCacheOutcome.Bypass);
        var answer = decision.Write ? new ChatStreamAccumulator() : null;
        await foreach (var update in Inner.StreamChatAsync(request, cancellationToken).ConfigureAwait(false))
        {
            answer?.Add(update);
            yield return update;
        }

        // Reached only when the stream ended normally: a failure threw, and a caller that stopped early disposed the
        // enumerator before here. What is stored is the whole answer.
        if (answer is not null)
        {
            await _cache.SetAsync(key, CachedAnswer.From(answer.ToResponse())).ConfigureAwait(false);
        }
    }

    private async Task<LlmResponse> AnswerAsync<TRequest>(string operation, string key, CacheDecision decision, TRequest request, Func<ILlmService, TRequest, CancellationToken, Task<LlmResponse>> call, CancellationToken cancellationToken)
    {
        if (decision.Read && await _cache.GetAsync(key, cancellationToken).ConfigureAwait(false) is { Embeddings: null } hit)
        {
            Done(operation, LlmCacheOutcome.Hit);
            return hit.ToResponse();
        }

        Done(operation, _cache.Available ? LlmCacheOutcome.Miss : LlmCacheOutcome.Bypass);
        var response = await call(Inner, request, cancellationToken).ConfigureAwait(false);
        if (decision.Write && response.Success)
        {
            await _cache.SetAsync(key, CachedAnswer.From(response)).ConfigureAwait(false);
        }

        return response;
    }

    private static LlmCacheControl Control() => LlmCallContext.Current?.CacheControl ?? LlmCacheControl.Default;

    private string? Scope() => _settings.Scope == CacheScope.Caller ? "caller:" + (LlmCallContext.Current?.CallerName ?? string.Empty) : null;

    private void Done(string operation, LlmCacheOutcome outcome)
    {
        if (LlmCallContext.Current is { } context)
        {
            context.CacheOutcome = outcome;
        }

        var value = TelemetryValues.Of(outcome);
        Activity.Current?.SetTag(TelemetryNames.Cache, value);
        if (_metrics.CacheRequests.Enabled)
        {
            _metrics.CacheRequests.Add(1, new KeyValuePair<string, object?>(TelemetryNames.OperationName, operation), new KeyValuePair<string, object?>(TelemetryNames.Cache, value));
        }
    }
}
