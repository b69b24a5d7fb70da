using System.Globalization;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Spend;

/// <summary>A budget that is spent: which, how much, and when it starts again.</summary>
/// <param name="Budget">The budget.</param>
/// <param name="SpentUsd">What has been spent in this period.</param>
/// <param name="ResetsAt">When the period turns; <see langword="null"/> for a budget that never resets.</param>
/// <param name="CheckedAt">When it was found spent (the book's clock).</param>
internal sealed record BudgetExhaustion(Budget Budget, decimal SpentUsd, DateTimeOffset? ResetsAt, DateTimeOffset CheckedAt)
{
    /// <summary>The error a caller gets: <see cref="LlmErrorKind.BudgetExceeded"/>, naming the budget and when it resets.</summary>
    public LlmError ToError(string what) => new()
    {
        Kind = LlmErrorKind.BudgetExceeded,
        Message = $"{what} has spent its budget of ${Budget.LimitUsd.ToString("0.####", CultureInfo.InvariantCulture)} " +
            (ResetsAt is { } reset
                ? $"for this period ({Budget.Setting}; ${SpentUsd.ToString("0.####", CultureInfo.InvariantCulture)} spent); it resets at {reset.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC."
                : $"({Budget.Setting}; ${SpentUsd.ToString("0.####", CultureInfo.InvariantCulture)} spent), which does not reset; raise it to go on."),
        RetryAfter = ResetsAt is { } at && at > CheckedAt ? at - CheckedAt : null,
    };
}
