namespace Mostlyucid.LlmBackend.Models;

/// <summary>How the usage ledger is doing: what it has recorded, written and had to drop.</summary>
public sealed record UsageLedgerStatus
{
    /// <summary>Gets the store's name (<c>Memory</c>, <c>Sqlite</c>, <c>PostgreSql</c>).</summary>
    public required string Store { get; init; }

    /// <summary>Gets how many requests were recorded.</summary>
    public long Recorded { get; init; }

    /// <summary>Gets how many records were written to the store.</summary>
    public long Written { get; init; }

    /// <summary>Gets how many records were dropped: the queue was full (<c>Usage:QueueCapacity</c>) or the store failed three times running. Their spend still counts against budgets in this instance.</summary>
    public long Dropped { get; init; }

    /// <summary>Gets how many records wait to be written.</summary>
    public int Waiting { get; init; }

    /// <summary>Gets the last error writing to the store, if any (redacted).</summary>
    public string? LastError { get; init; }
}
