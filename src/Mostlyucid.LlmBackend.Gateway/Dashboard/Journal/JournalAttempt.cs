namespace Mostlyucid.LlmBackend.Gateway.Dashboard.Journal;

/// <summary>One attempt of a journalled request, as the dashboard shows it.</summary>
/// <param name="Backend">The backend tried.</param>
/// <param name="Model">The model it reported (or was configured with).</param>
/// <param name="Role">Why it was made: <c>primary</c>, <c>retry</c>, <c>failover</c>, <c>hedge</c>, <c>prefill-continuation</c> or <c>replay-continuation</c>.</param>
/// <param name="Success">Whether it produced the answer.</param>
/// <param name="Cancelled">Whether it was stopped because another attempt answered first.</param>
/// <param name="ErrorKind">Why it failed (the error's kind), when it did.</param>
/// <param name="Error">The error's message (secrets redacted, shortened), when it failed.</param>
/// <param name="StatusCode">The provider's HTTP status, when it failed with one.</param>
/// <param name="DurationMs">How long it took.</param>
/// <param name="TimeToFirstTokenMs">How long a streamed attempt took to its first update.</param>
internal sealed record JournalAttempt(
    string Backend,
    string? Model,
    string Role,
    bool Success,
    bool Cancelled,
    string? ErrorKind,
    string? Error,
    int? StatusCode,
    long DurationMs,
    long? TimeToFirstTokenMs);
