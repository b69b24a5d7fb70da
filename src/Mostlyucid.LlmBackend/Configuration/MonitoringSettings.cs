namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>How backend statistics and health are kept (<c>LlmSettings:Monitoring</c>).</summary>
public class MonitoringSettings
{
    /// <summary>Gets or sets how far back latency percentiles look, in seconds. <value>The default value is 300.</value></summary>
    public int LatencyWindowSeconds { get; set; } = 300;

    /// <summary>Gets or sets the most latency samples kept per backend. <value>The default value is 1024.</value></summary>
    public int LatencyWindowSize { get; set; } = 1024;

    /// <summary>Gets or sets nothing any more: the circuit breaker is the one health model (see <see cref="CircuitBreakerSettings.ConsecutiveFailures"/>).</summary>
    [Obsolete("Ignored. A backend's health is its circuit breaker's state; failures in a row are LlmSettings:Resilience:CircuitBreaker:ConsecutiveFailures.")]
    public int UnhealthyAfterConsecutiveFailures { get; set; } = 3;

    /// <summary>Gets or sets nothing any more: an open circuit's <see cref="CircuitBreakerSettings.BreakSeconds"/> is the only rest a backend gets.</summary>
    [Obsolete("Ignored. A backend out of rotation is probed after LlmSettings:Resilience:CircuitBreaker:BreakSeconds.")]
    public int UnhealthyCooldownSeconds { get; set; } = 30;
}
