namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>How the router orders the backends it tries for a request.</summary>
public enum BackendSelectionStrategy
{
    /// <summary>By <c>Priority</c>, lowest first; the next one is tried when one fails.</summary>
    Failover = 0,

    /// <summary>Each request starts at the next backend in turn; the rest follow as fallbacks.</summary>
    RoundRobin,

    /// <summary>The backend with the lowest recent latency first; backends with no measurements yet are tried first.</summary>
    LowestLatency,

    /// <summary>A random order for each request.</summary>
    Random,

    /// <summary>
    /// Only one backend: the request's <c>PreferredBackend</c>, else <see cref="LlmSettings.DefaultBackend"/>. No failover.
    /// </summary>
    Specific,

    /// <summary>A random order drawn in proportion to each backend's <c>Weight</c>.</summary>
    Weighted,

    /// <summary>
    /// Failover order, but when the first backend has produced no first token after <c>Resilience:HedgingDelayMs</c>, the
    /// next one is started too; the first to produce a token answers and the other is cancelled.
    /// </summary>
    Hedged,
}
