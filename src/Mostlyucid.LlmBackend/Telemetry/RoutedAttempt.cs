namespace Mostlyucid.LlmBackend.Telemetry;

/// <summary>
/// Marks that the router is running an attempt on a backend and will record its outcome itself, so the backend's own
/// <c>RecordSuccess</c>/<c>RecordFailure</c> calls (which plugins make, as the guide tells them to) do not count it twice.
/// Outside the router (a backend called directly), the backend's calls are what feed its statistics.
/// </summary>
internal static class RoutedAttempt
{
    private static readonly AsyncLocal<BackendMetrics?> Current = new();

    /// <summary>Marks the current async flow as a routed attempt on <paramref name="metrics"/>.</summary>
    /// <param name="metrics">The attempted backend's metrics.</param>
    public static void Enter(BackendMetrics metrics) => Current.Value = metrics;

    /// <summary>Clears the mark.</summary>
    public static void Exit() => Current.Value = null;

    /// <summary>Gets whether the router records for <paramref name="metrics"/> in the current flow.</summary>
    /// <param name="metrics">The backend's metrics.</param>
    /// <returns><see langword="true"/> when the backend must not record.</returns>
    public static bool IsRecordedByRouter(BackendMetrics metrics) => ReferenceEquals(Current.Value, metrics);
}
