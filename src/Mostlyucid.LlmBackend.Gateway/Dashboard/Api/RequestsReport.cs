using Mostlyucid.LlmBackend.Gateway.Dashboard.Journal;

namespace Mostlyucid.LlmBackend.Gateway.Dashboard.Api;

/// <summary>The body of <c>GET /admin/api/requests</c>: the recent requests that match, newest first.</summary>
internal sealed class RequestsReport
{
    /// <summary>Gets or sets the requests.</summary>
    public List<JournalEntry> Requests { get; set; } = new();

    /// <summary>Gets or sets how many requests the journal keeps at most.</summary>
    public int Capacity { get; set; }

    /// <summary>Gets or sets how many requests were journalled since start.</summary>
    public long Journalled { get; set; }
}
