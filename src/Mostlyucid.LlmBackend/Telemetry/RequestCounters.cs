using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Telemetry;

/// <summary>The service's request totals for <see cref="Interfaces.ILlmService.GetStatistics"/>: every request counted once, when it ends.</summary>
internal sealed class RequestCounters
{
    private long _total;
    private long _succeeded;
    private long _failed;
    private long _failedOver;

    /// <summary>Counts a request that was answered.</summary>
    /// <param name="failedOver">Whether more than one backend was tried.</param>
    public void Succeeded(bool failedOver)
    {
        Interlocked.Increment(ref _total);
        Interlocked.Increment(ref _succeeded);
        if (failedOver)
        {
            Interlocked.Increment(ref _failedOver);
        }
    }

    /// <summary>Counts a request that ended without an answer (failed or cancelled).</summary>
    public void Failed()
    {
        Interlocked.Increment(ref _total);
        Interlocked.Increment(ref _failed);
    }

    /// <summary>Gets the totals.</summary>
    /// <param name="backends">Each backend's statistics.</param>
    public LlmServiceStatistics Snapshot(IReadOnlyList<BackendHealth> backends) => new()
    {
        TotalRequests = Interlocked.Read(ref _total),
        SuccessfulRequests = Interlocked.Read(ref _succeeded),
        FailedRequests = Interlocked.Read(ref _failed),
        FailedOverRequests = Interlocked.Read(ref _failedOver),
        Backends = backends,
    };
}
