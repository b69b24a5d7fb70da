using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.Dashboard.Journal;

/// <summary>
/// A gateway request being answered: the <see cref="RequestJournalMiddleware"/> puts one in the request's async flow,
/// and the usage ledger's record of the request (raised on the same flow) is kept on it until the response is done.
/// </summary>
internal sealed class PendingRequest
{
    private static readonly AsyncLocal<PendingRequest?> CurrentRequest = new();

    /// <summary>Gets or sets the request of the current async flow, if a gateway endpoint is answering one.</summary>
    public static PendingRequest? Current
    {
        get => CurrentRequest.Value;
        set => CurrentRequest.Value = value;
    }

    /// <summary>Gets or sets the ledger's record of the request, once the pipeline ended it.</summary>
    public UsageRecord? Record { get; set; }

    /// <summary>Gets or sets the attempts the request made, with <see cref="Record"/>.</summary>
    public IReadOnlyList<BackendAttempt>? Attempts { get; set; }
}
