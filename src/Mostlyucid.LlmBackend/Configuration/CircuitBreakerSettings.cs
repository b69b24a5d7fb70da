namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>
/// When a backend's circuit opens (<c>LlmSettings:Resilience:CircuitBreaker</c>): over the sampling window, once at least
/// <see cref="MinimumThroughput"/> attempts were made and at least <see cref="FailureRatio"/> of them failed, the backend
/// is skipped for <see cref="BreakSeconds"/>; then one probe request is let through (half-open) and its outcome closes or
/// re-opens the circuit.
/// </summary>
public class CircuitBreakerSettings
{
    /// <summary>Gets or sets whether backends have circuit breakers. <value>The default value is <see langword="true"/>.</value></summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets or sets the share of failed attempts that opens the circuit. <value>The default value is 0.6: a backend that
    /// fails now and then (a 30% flapper) keeps serving; an outage (every attempt failing) opens at once.</value>
    /// </summary>
    public double FailureRatio { get; set; } = 0.6;

    /// <summary>
    /// Gets or sets the fewest attempts in the window before the ratio counts. <value>The default value is 6: two requests'
    /// worth of attempts with the default two retries, so an outage is noticed within two requests without a few unlucky
    /// failures opening the circuit.</value>
    /// </summary>
    public int MinimumThroughput { get; set; } = 6;

    /// <summary>Gets or sets how far back the ratio looks, in seconds. <value>The default value is 30.</value></summary>
    public int SamplingWindowSeconds { get; set; } = 30;

    /// <summary>Gets or sets how long an open circuit skips the backend before probing it, in seconds. <value>The default value is 15.</value></summary>
    public int BreakSeconds { get; set; } = 15;
}
