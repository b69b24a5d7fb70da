using System.Diagnostics;
using System.Diagnostics.Metrics;
using Mostlyucid.LlmBackend.Resilience;

namespace Mostlyucid.LlmBackend.Telemetry;

/// <summary>
/// The library's instruments on its <see cref="LlmTelemetry.MeterName"/> meter: the GenAI conventions' client metrics
/// (operation duration, token usage, time to first chunk) and ours (attempts, failovers, retries, hedges, continuations,
/// circuit transitions, cost). The meter comes from the application's <see cref="IMeterFactory"/> when it has one (so
/// each service provider has its own), else one shared meter is used. Every dimension is bounded: names from the
/// configuration and fixed values.
/// </summary>
internal sealed class LlmMetrics
{
    private static LlmMetrics? s_shared;

#if NET9_0_OR_GREATER
    // The buckets the GenAI conventions advise: seconds (0.01 … 81.92) and tokens (1 … 4^13). The advice API needs .NET 9;
    // on .NET 8 the listener's default buckets apply.
    private static readonly double[] SecondsBuckets = { 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92 };
    private static readonly long[] TokenBuckets = { 1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864 };
#endif

    /// <summary>Creates the instruments on a meter from <paramref name="factory"/>, or on a meter of their own without one.</summary>
    /// <param name="factory">The application's meter factory, if it has one.</param>
    public LlmMetrics(IMeterFactory? factory)
    {
        Meter = factory?.Create(new MeterOptions(LlmTelemetry.MeterName) { Version = LlmTelemetry.Version })
            ?? new Meter(LlmTelemetry.MeterName, LlmTelemetry.Version);
        OperationDuration = Seconds(TelemetryNames.OperationDurationMetric, "GenAI operation duration.");
        TimeToFirstChunk = Seconds(TelemetryNames.TimeToFirstChunkMetric, "Time to receive the first chunk of a streamed answer, from when the request was made.");
#if NET9_0_OR_GREATER
        TokenUsage = Meter.CreateHistogram(TelemetryNames.TokenUsageMetric, "{token}", "Number of input and output tokens used.", tags: null, advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = TokenBuckets });
#else
        TokenUsage = Meter.CreateHistogram<long>(TelemetryNames.TokenUsageMetric, "{token}", "Number of input and output tokens used.");
#endif
        Attempts = Meter.CreateCounter<long>(TelemetryNames.AttemptsMetric, "{attempt}", "Attempts made on backends: each try of one backend, with its role and outcome.");
        Failovers = Meter.CreateCounter<long>(TelemetryNames.FailoversMetric, "{failover}", "Moves of a request to another backend after one failed (hedges and stream continuations not included).");
        Retries = Meter.CreateCounter<long>(TelemetryNames.RetriesMetric, "{retry}", "Attempts that tried the same backend again, in the same role.");
        Hedges = Meter.CreateCounter<long>(TelemetryNames.HedgesMetric, "{hedge}", "Attempts started beside a backend slow to answer or to give its first token.");
        Continuations = Meter.CreateCounter<long>(TelemetryNames.ContinuationsMetric, "{continuation}", "Attempts made to continue a stream that broke after output reached the caller.");
        BreakerTransitions = Meter.CreateCounter<long>(TelemetryNames.BreakerTransitionsMetric, "{transition}", "Changes of a backend's circuit breaker state.");
        Cost = Meter.CreateCounter<double>(TelemetryNames.CostMetric, "USD", "What requests cost, in US dollars, where the price is known.");
        CacheRequests = Meter.CreateCounter<long>(TelemetryNames.CacheRequestsMetric, "{request}", "Requests the response cache saw, by what it did (llmb.cache: hit, miss, bypass).");
    }

    /// <summary>Gets the instruments every service provider without a meter factory shares.</summary>
    public static LlmMetrics Shared => LazyInitializer.EnsureInitialized(ref s_shared, static () => new LlmMetrics(null));

    public Meter Meter { get; }

    public Histogram<double> OperationDuration { get; }

    public Histogram<long> TokenUsage { get; }

    public Histogram<double> TimeToFirstChunk { get; }

    public Counter<long> Attempts { get; }

    public Counter<long> Failovers { get; }

    public Counter<long> Retries { get; }

    public Counter<long> Hedges { get; }

    public Counter<long> Continuations { get; }

    public Counter<long> BreakerTransitions { get; }

    public Counter<double> Cost { get; }

    public Counter<long> CacheRequests { get; }

    /// <summary>Gets whether anything listens to a request's instruments (when nothing does, requests record nothing).</summary>
    public bool Enabled =>
        OperationDuration.Enabled || TokenUsage.Enabled || TimeToFirstChunk.Enabled || Attempts.Enabled || Failovers.Enabled
        || Retries.Enabled || Hedges.Enabled || Continuations.Enabled || Cost.Enabled;

    /// <summary>Counts a change of a backend's circuit state.</summary>
    /// <param name="backend">The backend's configured name.</param>
    /// <param name="to">The state it changed to.</param>
    public void BreakerTransition(string backend, CircuitState to)
    {
        if (BreakerTransitions.Enabled)
        {
            BreakerTransitions.Add(1, new KeyValuePair<string, object?>(TelemetryNames.Backend, backend), new KeyValuePair<string, object?>(TelemetryNames.BreakerState, TelemetryValues.BreakerState(to)));
        }
    }

    private Histogram<double> Seconds(string name, string description) =>
#if NET9_0_OR_GREATER
        Meter.CreateHistogram(name, "s", description, tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
#else
        Meter.CreateHistogram<double>(name, "s", description);
#endif
}
