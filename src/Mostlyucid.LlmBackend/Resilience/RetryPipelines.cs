using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Routing;
using Polly;
using Polly.Retry;

namespace Mostlyucid.LlmBackend.Resilience;

/// <summary>
/// Polly retry pipelines, one per backend: exponential backoff with jitter from <c>RetryBaseDelayMs</c> up to
/// <c>RetryMaxDelayMs</c>, a provider's <c>Retry-After</c> used as the delay when it gave one (a wait longer than
/// <c>MaxRetryAfterSeconds</c> is not retried: the request fails over instead), and only failures whose disposition is
/// <see cref="ErrorDisposition.RetrySameBackend"/> retried. Delays run on the injected clock.
/// </summary>
internal sealed class RetryPipelines
{
    // Weak: a reload replaces the entries, and the pipelines of the ones it dropped go with them.
    // One per outcome type (null when the backend is not retried).
    private readonly ConditionalWeakTable<BackendEntry, ConcurrentDictionary<Type, object?>> _pipelines = new();
    private readonly TimeProvider _time;

    public RetryPipelines(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>
    /// Gets the backend's pipeline for attempts of type <typeparamref name="TOutcome"/>, or <see langword="null"/> when it
    /// is not retried at all. The pipeline is typed (one per backend and outcome type) so an attempt runs through the retry
    /// strategy alone, without the layer that adapts a typed strategy to an untyped pipeline.
    /// </summary>
    public ResiliencePipeline<TOutcome>? For<TOutcome>(BackendEntry entry, ResilienceSettings settings)
        where TOutcome : class, IAttemptOutcome
    {
        var pipelines = _pipelines.GetValue(entry, static _ => new ConcurrentDictionary<Type, object?>());
        if (pipelines.TryGetValue(typeof(TOutcome), out var pipeline))
        {
            return (ResiliencePipeline<TOutcome>?)pipeline;
        }

        return (ResiliencePipeline<TOutcome>?)pipelines.GetOrAdd(typeof(TOutcome), Build<TOutcome>(entry.Config.MaxRetries ?? settings.MaxRetries, settings));
    }

    /// <summary>Gets whether a failed attempt is retried on the same backend.</summary>
    public static bool ShouldRetry(IAttemptOutcome outcome, ResilienceSettings settings) =>
        outcome.Error is { } error
        && LlmErrorClassifier.Disposition(error) == ErrorDisposition.RetrySameBackend
        && (error.RetryAfter is not { } wait || wait <= TimeSpan.FromSeconds(settings.MaxRetryAfterSeconds));

    private ResiliencePipeline<TOutcome>? Build<TOutcome>(int retries, ResilienceSettings settings)
        where TOutcome : class, IAttemptOutcome
    {
        if (retries <= 0)
        {
            return null;
        }

        return new ResiliencePipelineBuilder<TOutcome> { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions<TOutcome>
            {
                MaxRetryAttempts = retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(Math.Max(1, settings.RetryBaseDelayMs)),
                MaxDelay = TimeSpan.FromMilliseconds(Math.Max(1, settings.RetryMaxDelayMs)),
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { } outcome && ShouldRetry(outcome, settings)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { Error.RetryAfter: { } wait } ? (TimeSpan?)wait : null),
            })
            .Build();
    }
}
