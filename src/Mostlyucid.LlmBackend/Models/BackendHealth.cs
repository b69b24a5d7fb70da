namespace Mostlyucid.LlmBackend.Models;

/// <summary>A backend's health as seen from its recent requests.</summary>
public class BackendHealth
{
    /// <summary>Gets or sets the backend's name.</summary>
    public string BackendName { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets a value indicating whether the backend is in rotation: its circuit breaker is not open (see
    /// <see cref="CircuitState"/>). It recovers when the probe sent after the break succeeds.
    /// </summary>
    public bool IsHealthy { get; set; } = true;

    /// <summary>Gets or sets the number of successful requests since start.</summary>
    public long SuccessfulRequests { get; set; }

    /// <summary>Gets or sets the number of failed requests since start.</summary>
    public long FailedRequests { get; set; }

    /// <summary>Gets or sets how many requests in a row have failed.</summary>
    public int ConsecutiveFailures { get; set; }

    /// <summary>Gets or sets the mean latency of successful requests in the sliding window, in milliseconds.</summary>
    public double AverageLatencyMs { get; set; }

    /// <summary>Gets or sets the median latency in the sliding window, in milliseconds.</summary>
    public double LatencyP50Ms { get; set; }

    /// <summary>Gets or sets the 95th percentile latency in the sliding window, in milliseconds.</summary>
    public double LatencyP95Ms { get; set; }

    /// <summary>Gets or sets the 99th percentile latency in the sliding window, in milliseconds.</summary>
    public double LatencyP99Ms { get; set; }

    /// <summary>Gets or sets the backend's circuit breaker state (<c>Closed</c>, <c>Open</c>, <c>HalfOpen</c>), when reported by <c>ILlmService</c>.</summary>
    public string? CircuitState { get; set; }

    /// <summary>Gets or sets the last error message, if any request failed.</summary>
    public string? LastError { get; set; }

    /// <summary>Gets or sets when the last request succeeded.</summary>
    public DateTimeOffset? LastSuccessfulRequest { get; set; }

    /// <summary>Gets or sets when the last request failed.</summary>
    public DateTimeOffset? LastFailedRequest { get; set; }
}
