using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.Dashboard.Journal;

/// <summary>
/// Where a finished request goes: into the <see cref="RequestJournal"/> and the <see cref="TrafficStats"/>. A request the
/// gateway answered comes with its HTTP status (<see cref="RequestJournalMiddleware"/>); a record the usage ledger raises
/// outside a gateway request (the library called directly in the gateway's process) is journalled by itself.
/// </summary>
internal sealed class TrafficRecorder
{
    private readonly JournalEntries _entries;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="TrafficRecorder"/> class.</summary>
    /// <param name="journal">The recent requests.</param>
    /// <param name="stats">The traffic over time.</param>
    /// <param name="entries">Makes the entries.</param>
    /// <param name="time">The clock.</param>
    public TrafficRecorder(RequestJournal journal, TrafficStats stats, JournalEntries entries, TimeProvider time)
    {
        Journal = journal;
        Stats = stats;
        _entries = entries;
        _time = time;
    }

    /// <summary>Gets the recent requests.</summary>
    public RequestJournal Journal { get; }

    /// <summary>Gets the traffic over time.</summary>
    public TrafficStats Stats { get; }

    /// <summary>Records a request the gateway answered.</summary>
    /// <param name="requestId">The request id.</param>
    /// <param name="path">The endpoint's path.</param>
    /// <param name="status">The HTTP status answered.</param>
    /// <param name="key">The key's name.</param>
    /// <param name="durationMs">How long the gateway took.</param>
    /// <param name="record">The ledger's record, when the request reached the pipeline.</param>
    /// <param name="attempts">The attempts it made, when it reached the pipeline.</param>
    public void Answered(string requestId, string path, int status, string? key, long durationMs, UsageRecord? record, IReadOnlyList<BackendAttempt>? attempts) =>
        Add(_entries.Make(requestId, _time.GetUtcNow(), path, status, key, durationMs, record, attempts));

    /// <summary>The usage ledger recorded a request: kept on the gateway request it belongs to, or journalled by itself.</summary>
    /// <param name="record">The record.</param>
    /// <param name="attempts">The request's attempts.</param>
    public void Recorded(UsageRecord record, IReadOnlyList<BackendAttempt> attempts)
    {
        if (PendingRequest.Current is { } pending)
        {
            pending.Record = record;
            pending.Attempts = attempts;
            return;
        }

        var status = record.Outcome == UsageOutcome.Succeeded ? 200 : 500;
        Add(_entries.Make(record.RequestId ?? "-", record.Timestamp, null, status, record.CallerName, record.DurationMs, record, attempts));
    }

    private void Add(JournalEntry entry)
    {
        Journal.Add(entry);
        Stats.Add(entry);
    }
}
