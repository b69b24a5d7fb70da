using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Spend;

/// <summary>
/// A spending limit: for a backend (<c>backend:NAME</c>), a caller (<c>caller:NAME</c>, a gateway key) or a route
/// (<c>route:NAME</c>), per period, resetting at 00:00 UTC.
/// </summary>
/// <param name="Scope">What it limits.</param>
/// <param name="Setting">Where it is configured, for messages (for example <c>LlmSettings:Backends:0:MaxSpendUsd</c>).</param>
/// <param name="LimitUsd">The most that may be spent per period, in US dollars.</param>
/// <param name="Period">When the spend starts again.</param>
/// <param name="ResetDayOfWeek">The day a weekly budget restarts.</param>
/// <param name="ResetDayOfMonth">The day (1–31) a monthly budget restarts; the last day of shorter months.</param>
/// <param name="LogExceeded">Whether reaching the limit is logged.</param>
internal sealed record Budget(string Scope, string Setting, decimal LimitUsd, SpendResetPeriod Period, DayOfWeek ResetDayOfWeek, int ResetDayOfMonth, bool LogExceeded)
{
    /// <summary>Gets when the period that contains <paramref name="now"/> began; <see cref="DateTimeOffset.MinValue"/> for <see cref="SpendResetPeriod.Never"/>.</summary>
    public DateTimeOffset PeriodStart(DateTimeOffset now)
    {
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        switch (Period)
        {
            case SpendResetPeriod.Daily:
                return today;
            case SpendResetPeriod.Weekly:
                return today.AddDays(-(((int)today.DayOfWeek - (int)ResetDayOfWeek + 7) % 7));
            case SpendResetPeriod.Monthly:
                var thisMonth = ResetIn(today.Year, today.Month);
                if (today >= thisMonth)
                {
                    return thisMonth;
                }

                var previous = today.AddMonths(-1);
                return ResetIn(previous.Year, previous.Month);
            default:
                return DateTimeOffset.MinValue;
        }
    }

    /// <summary>Gets when the period that contains <paramref name="now"/> ends (the next reset); <see langword="null"/> for <see cref="SpendResetPeriod.Never"/>.</summary>
    public DateTimeOffset? NextReset(DateTimeOffset now)
    {
        var start = PeriodStart(now);
        switch (Period)
        {
            case SpendResetPeriod.Daily:
                return start.AddDays(1);
            case SpendResetPeriod.Weekly:
                return start.AddDays(7);
            case SpendResetPeriod.Monthly:
                var next = start.AddMonths(1);
                return ResetIn(next.Year, next.Month);
            default:
                return null;
        }
    }

    private DateTimeOffset ResetIn(int year, int month) =>
        new(year, month, Math.Min(ResetDayOfMonth, DateTime.DaysInMonth(year, month)), 0, 0, 0, TimeSpan.Zero);
}
