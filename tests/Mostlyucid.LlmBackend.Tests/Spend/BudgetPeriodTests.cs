using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Spend;

namespace Mostlyucid.LlmBackend.Tests.Spend;

public sealed class BudgetPeriodTests
{
    private static Budget Of(SpendResetPeriod period, DayOfWeek day = DayOfWeek.Monday, int dayOfMonth = 1) =>
        new("backend:x", "setting", 10m, period, day, dayOfMonth, LogExceeded: false);

    private static DateTimeOffset At(string utc) => DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(SpendResetPeriod.Daily, "2026-12-06T15:30:00Z", "2026-12-06T00:00:00Z", "2026-12-07T00:00:00Z")]
    [InlineData(SpendResetPeriod.Weekly, "2026-12-06T15:30:00Z", "2026-11-30T00:00:00Z", "2026-12-07T00:00:00Z")]
    [InlineData(SpendResetPeriod.Weekly, "2026-12-07T00:00:00Z", "2026-12-07T00:00:00Z", "2026-12-14T00:00:00Z")]
    [InlineData(SpendResetPeriod.Monthly, "2026-12-06T15:30:00Z", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    public void Period_StartsAndEndsAtMidnightUtc(SpendResetPeriod period, string now, string start, string next)
    {
        var budget = Of(period);

        Assert.Equal(At(start), budget.PeriodStart(At(now)));
        Assert.Equal(At(next), budget.NextReset(At(now)));
    }

    [Theory]
    [InlineData("2027-02-15T12:00:00Z", "2027-01-31T00:00:00Z", "2027-02-28T00:00:00Z")]
    [InlineData("2027-02-28T12:00:00Z", "2027-02-28T00:00:00Z", "2027-03-31T00:00:00Z")]
    [InlineData("2027-03-30T12:00:00Z", "2027-02-28T00:00:00Z", "2027-03-31T00:00:00Z")]
    public void MonthlyOnThe31st_UsesTheLastDayOfShorterMonths(string now, string start, string next)
    {
        var budget = Of(SpendResetPeriod.Monthly, dayOfMonth: 31);

        Assert.Equal(At(start), budget.PeriodStart(At(now)));
        Assert.Equal(At(next), budget.NextReset(At(now)));
    }

    [Fact]
    public void Never_IsOnePeriodForEver()
    {
        var budget = Of(SpendResetPeriod.Never);

        Assert.Equal(DateTimeOffset.MinValue, budget.PeriodStart(At("2026-12-06T00:00:00Z")));
        Assert.Null(budget.NextReset(At("2026-12-06T00:00:00Z")));
    }
}
