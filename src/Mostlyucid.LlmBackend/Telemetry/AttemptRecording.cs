namespace Mostlyucid.LlmBackend.Telemetry;

/// <summary>
/// Tells the router whether a backend recorded the outcome of the current attempt itself (plugins derived from
/// <c>BaseLlmBackend</c> call <c>RecordSuccess</c>/<c>RecordFailure</c>), so every attempt is counted exactly once: by
/// the backend when it reports, otherwise by the router. Flows with the async call through an <see cref="AsyncLocal{T}"/>.
/// </summary>
internal sealed class AttemptRecording
{
    private static readonly AsyncLocal<AttemptRecording?> CurrentRecording = new();

    private AttemptRecording(BackendMetrics metrics)
    {
        Metrics = metrics;
    }

    public BackendMetrics Metrics { get; }

    public bool Recorded { get; private set; }

    public static AttemptRecording Begin(BackendMetrics metrics)
    {
        var recording = new AttemptRecording(metrics);
        CurrentRecording.Value = recording;
        return recording;
    }

    public static void End() => CurrentRecording.Value = null;

    /// <summary>Marks the current attempt as recorded when it belongs to <paramref name="metrics"/>.</summary>
    /// <param name="metrics">The metrics the backend just wrote to.</param>
    public static void MarkRecorded(BackendMetrics metrics)
    {
        var current = CurrentRecording.Value;
        if (current is not null && ReferenceEquals(current.Metrics, metrics))
        {
            current.Recorded = true;
        }
    }
}
