namespace Mostlyucid.LlmBackend.Resilience;

/// <summary>A circuit breaker's state.</summary>
public enum CircuitState
{
    /// <summary>Requests flow; outcomes are counted.</summary>
    Closed = 0,

    /// <summary>The backend failed too often: it is skipped until the break is over.</summary>
    Open,

    /// <summary>The break is over: one probe request is let through to see whether the backend recovered.</summary>
    HalfOpen,
}
