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
    private readonly ConditionalWeakTable<BackendEntry, Holder> _pipelines = new();
    private readonly TimeProvider _time;

    public RetryPipelines(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>Gets the backend's pipeline, or <see langword="null"/> when it is not retried at all.</summary>
    public ResiliencePipeline? For(BackendEntry entry, ResilienceSettings settings)
    {
        if (_pipelines.TryGetValue(entry, out var holder))
        {
            return holder.Pipeline;
        }

        var built = new Holder(Build(entry.Config.MaxRetries ?? settings.MaxRetries, settings));
        return _pipelines.GetValue(entry, _ => built).Pipeline;
    }

    /// <summary>Gets whether a failed attempt is retried on the same backend.</summary>
    public static bool ShouldRetry(IAttemptOutcome outcome, ResilienceSettings settings) =>
        outcome.Error is { } error
        && LlmErrorClassifier.Disposition(error) == ErrorDisposition.RetrySameBackend
        && (error.RetryAfter is not { } wait || wait <= TimeSpan.FromSeconds(settings.MaxRetryAfterSeconds));

    private ResiliencePipeline? Build(int retries, ResilienceSettings settings)
    {
        if (retries <= 0)
        {
            return null;
        }

        return new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(Math.Max(1, settings.RetryBaseDelayMs)),
                MaxDelay = TimeSpan.FromMilliseconds(Math.Max(1, settings.RetryMaxDelayMs)),
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is IAttemptOutcome outcome && ShouldRetry(outcome, settings)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is IAttemptOutcome { Error.RetryAfter: { } wait } ? (TimeSpan?)wait : null),
            })
            .Build();
    }

    private sealed record Holder(ResiliencePipeline? Pipeline);
}
