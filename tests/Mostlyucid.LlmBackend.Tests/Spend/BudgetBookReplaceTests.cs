using Microsoft.Extensions.Logging.Abstractions;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Spend;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Spend;

/// <summary>A reloaded configuration replaces one kind of budget; what was spent carries over by scope.</summary>
public sealed class BudgetBookReplaceTests
{
    private static Budget Of(string scope, decimal limit) => new(scope, "setting", limit, SpendResetPeriod.Monthly, DayOfWeek.Monday, 1, LogExceeded: false);

    [Fact]
    public void Replace_KeepsTheSpendOfBudgetsThatRemain_DropsRemovedOnes_LeavesOtherKindsAlone()
    {
        var time = new FakeTimeProvider();
        var book = new BudgetBook(time, NullLogger.Instance);
        book.Add(Of("backend:a", 10m));
        book.Add(Of("backend:gone", 10m));
        book.Add(Of("caller:team", 10m));
        book.Recorded(new[] { new KeyValuePair<SpendPeriod, decimal>(new SpendPeriod("backend:a", Of("backend:a", 10m).PeriodStart(time.GetUtcNow())), 4m) });

        book.Replace(BudgetScopes.BackendPrefix, new[] { Of("backend:a", 5m), Of("backend:new", 1m) });

        Assert.Equal(5m, book.Find("backend:a")!.LimitUsd);
        Assert.Equal(4m, book.Spent(book.Find("backend:a")!));
        Assert.Null(book.Find("backend:gone"));
        Assert.NotNull(book.Find("backend:new"));
        Assert.NotNull(book.Find("caller:team"));
    }
}
