namespace Mostlyucid.LlmBackend.Models;

/// <summary>Counters for the whole service and, per backend, the health and latency it has observed.</summary>
public sealed record LlmServiceStatistics
{
    /// <summary>Gets the requests the service has finished (answered or failed) since start.</summary>
    public long TotalRequests { get; init; }

    /// <summary>Gets the requests that ended with an answer.</summary>
    public long SuccessfulRequests { get; init; }

    /// <summary>Gets the requests that ended with an error after every candidate backend was tried.</summary>
    public long FailedRequests { get; init; }

    /// <summary>Gets the requests where the first backend tried did not answer and another one did.</summary>
    public long FailedOverRequests { get; init; }

    /// <summary>Gets each configured, enabled backend's health and latency statistics.</summary>
    public IReadOnlyList<BackendHealth> Backends { get; init; } = Array.Empty<BackendHealth>();
}
