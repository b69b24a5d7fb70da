namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>
/// When a backend's circuit opens (<c>LlmSettings:Resilience:CircuitBreaker</c>) — the one health model: over the sampling
/// window, once at least <see cref="MinimumThroughput"/> attempts were made and at least <see cref="FailureRatio"/> of them
/// failed, or after <see cref="ConsecutiveFailures"/> failures in a row while traffic is too sparse to fill the window, the
/// backend is skipped for <see cref="BreakSeconds"/>; then one probe request is let through (half-open) and its outcome
/// closes or re-opens the circuit.
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

    /// <summary>
    /// Gets or sets how many failed attempts in a row open the circuit while the window holds fewer than
    /// <see cref="MinimumThroughput"/> attempts (sparse traffic, where the ratio would never count). <value>The default
    /// value is 5: under two requests' attempts with the default two retries (so one unlucky request does not open it), or
    /// five requests to a backend nothing listens on (those fail over without retrying).</value>
    /// </summary>
    public int ConsecutiveFailures { get; set; } = 5;

    /// <summary>Gets or sets how far back the ratio looks, in seconds. <value>The default value is 30.</value></summary>
    public int SamplingWindowSeconds { get; set; } = 30;

    /// <summary>Gets or sets how long an open circuit skips the backend before probing it, in seconds. <value>The default value is 15.</value></summary>
    public int BreakSeconds { get; set; } = 15;
}
