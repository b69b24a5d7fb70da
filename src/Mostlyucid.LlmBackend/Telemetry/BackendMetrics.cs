using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Telemetry;

/// <summary>
/// Long-lived statistics for one backend (its health is its circuit breaker's): totals, consecutive failures, last error, and a sliding window of latencies
/// (bounded by count and by age) from which percentiles are computed on demand. Also keeps an exponentially weighted
/// moving average for the router, which must not sort samples on every request.
/// </summary>
internal sealed class BackendMetrics
{
    private const int MaxErrorLength = 2000;
    private const double SmoothingFactor = 0.2;

    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly MonitoringSettings _settings;
    private readonly long[] _sampleTimestamps;
    private readonly double[] _sampleLatencies;
    private int _nextSample;
    private int _sampleCount;
    private long _successes;
    private long _failures;
    private int _consecutiveFailures;
    private string? _lastError;
    private DateTimeOffset? _lastSuccess;
    private DateTimeOffset? _lastFailure;
    private double _averageLatency = double.NaN;

    // Recent times to first token (streams), for the first-token hedging delay: a small ring, its percentile read per stream.
    private const int FirstTokenSamples = 64;
    private readonly long[] _firstTokenTimestamps = new long[FirstTokenSamples];
    private readonly double[] _firstTokenMs = new double[FirstTokenSamples];
    private int _nextFirstToken;
    private int _firstTokenCount;

    public BackendMetrics(TimeProvider time, MonitoringSettings settings)
    {
        _time = time;
        _settings = settings;
        var size = Math.Max(1, settings.LatencyWindowSize);
        _sampleTimestamps = new long[size];
        _sampleLatencies = new double[size];
    }

    /// <summary>Gets or sets the backend's circuit breaker, whose state is the backend's health.</summary>
    public Resilience.BackendCircuitBreaker? Breaker { get; set; }

    /// <summary>Gets whether the backend is in rotation: its circuit is not open (a half-open circuit is being probed).</summary>
    public bool IsHealthy => Breaker is not { State: Resilience.CircuitState.Open };

    /// <summary>Gets the smoothed latency of recent successes, or <see langword="null"/> before the first one.</summary>
    public double? LatencyEstimateMs
    {
        get
        {
            lock (_gate)
            {
                return double.IsNaN(_averageLatency) ? null : _averageLatency;
            }
        }
    }

    public void RecordSuccess(double latencyMs)
    {
        lock (_gate)
        {
            _successes++;
            _consecutiveFailures = 0;
            _lastSuccess = _time.GetUtcNow();
            _sampleTimestamps[_nextSample] = _time.GetTimestamp();
            _sampleLatencies[_nextSample] = latencyMs;
            _nextSample = (_nextSample + 1) % _sampleLatencies.Length;
            _sampleCount = Math.Min(_sampleCount + 1, _sampleLatencies.Length);
            _averageLatency = double.IsNaN(_averageLatency)
                ? latencyMs
                : (SmoothingFactor * latencyMs) + ((1 - SmoothingFactor) * _averageLatency);
        }
    }

    /// <summary>Records how long a stream took to give its first update.</summary>
    public void RecordTimeToFirstToken(double milliseconds)
    {
        lock (_gate)
        {
            _firstTokenTimestamps[_nextFirstToken] = _time.GetTimestamp();
            _firstTokenMs[_nextFirstToken] = milliseconds;
            _nextFirstToken = (_nextFirstToken + 1) % FirstTokenSamples;
            _firstTokenCount = Math.Min(_firstTokenCount + 1, FirstTokenSamples);
        }
    }

    /// <summary>
    /// Gets the 95th percentile of the recent times to first token (within the latency window), or <see langword="null"/>
    /// when fewer than <paramref name="minSamples"/> are that recent.
    /// </summary>
    public double? TimeToFirstTokenP95Ms(int minSamples)
    {
        Span<double> recent = stackalloc double[FirstTokenSamples];
        var count = 0;
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var maxAge = TimeSpan.FromSeconds(_settings.LatencyWindowSeconds);
            for (var i = 0; i < _firstTokenCount; i++)
            {
                if (_time.GetElapsedTime(_firstTokenTimestamps[i], now) <= maxAge)
                {
                    recent[count++] = _firstTokenMs[i];
                }
            }
        }

        if (count < Math.Max(1, minSamples))
        {
            return null;
        }

        recent = recent[..count];
        recent.Sort();
        return recent[Math.Clamp((int)Math.Ceiling(0.95 * count) - 1, 0, count - 1)];
    }

    public void RecordFailure(string? error)
    {
        lock (_gate)
        {
            _failures++;
            _consecutiveFailures++;
            _lastFailure = _time.GetUtcNow();
            _lastError = error is { Length: > MaxErrorLength }
                ? string.Concat(error.AsSpan(0, MaxErrorLength), "… (truncated; ", error.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), " characters)")
                : error;
        }
    }

    public BackendHealth Snapshot(string backendName)
    {
        double[] window;
        BackendHealth health;
        lock (_gate)
        {
            window = SamplesInWindow();
            health = new BackendHealth
            {
                BackendName = backendName,
                IsHealthy = IsHealthy,
                CircuitState = Breaker?.State.ToString(),
                SuccessfulRequests = _successes,
                FailedRequests = _failures,
                ConsecutiveFailures = _consecutiveFailures,
                LastError = _lastError,
                LastSuccessfulRequest = _lastSuccess,
                LastFailedRequest = _lastFailure,
            };
        }

        if (window.Length > 0)
        {
            Array.Sort(window);
            health.AverageLatencyMs = window.Average();
            health.LatencyP50Ms = Percentile(window, 0.50);
            health.LatencyP95Ms = Percentile(window, 0.95);
            health.LatencyP99Ms = Percentile(window, 0.99);
        }

        return health;
    }

    private double[] SamplesInWindow()
    {
        var now = _time.GetTimestamp();
        var maxAge = TimeSpan.FromSeconds(_settings.LatencyWindowSeconds);
        var result = new List<double>(_sampleCount);
        for (var i = 0; i < _sampleCount; i++)
        {
            if (_time.GetElapsedTime(_sampleTimestamps[i], now) <= maxAge)
            {
                result.Add(_sampleLatencies[i]);
            }
        }

        return result.ToArray();
    }

    /// <summary>Nearest-rank percentile of sorted samples.</summary>
    private static double Percentile(double[] sorted, double fraction)
    {
        var rank = (int)Math.Ceiling(fraction * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
