namespace Mostlyucid.LlmBackend.Models;

/// <summary>A question for the usage ledger: totals over a time range, grouped one way, optionally for one caller.</summary>
public sealed record UsageQuery
{
    /// <summary>Gets what the totals are grouped by.</summary>
    public UsageGrouping GroupBy { get; init; } = UsageGrouping.Caller;

    /// <summary>Gets the start of the range (inclusive, UTC).</summary>
    public DateTimeOffset From { get; init; } = DateTimeOffset.MinValue;

    /// <summary>Gets the end of the range (exclusive, UTC).</summary>
    public DateTimeOffset To { get; init; } = DateTimeOffset.MaxValue;

    /// <summary>Gets the one caller to count, or <see langword="null"/> for all.</summary>
    public string? CallerName { get; init; }
}
