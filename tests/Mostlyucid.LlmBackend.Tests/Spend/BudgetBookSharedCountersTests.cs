using Microsoft.Extensions.Logging.Abstractions;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Spend;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Spend;

/// <summary>
/// The book's two views of a budget with shared counters: the ledger's (the store's total plus this instance's
/// unwritten spend) and the counters' (the latest shared total plus this instance's spend the counter has not answered
/// for). A budget has spent the larger; neither ever counts one request twice.
/// </summary>
public sealed class BudgetBookSharedCountersTests
{
    private static readonly Budget Team = new("caller:team", "setting", 10m, SpendResetPeriod.Daily, DayOfWeek.Monday, 1, LogExceeded: false);

    private readonly FakeTimeProvider _time = new();

    private SpendPeriod Period => new(Team.Scope, Team.PeriodStart(_time.GetUtcNow()));

    [Fact]
    public void WithoutSharedCounters_SharedNewsIsIgnored_TheLedgerAloneCounts()
    {
        var book = Book(shared: false);
        book.Recorded(Charge(2m));

        book.SharedSeen(Period, 9m);
        book.SharedAdded(Period, 2m, 9m);
        book.NotShared(Period, 2m);

        Assert.Equal(2m, book.Spent(Team));
    }

    [Fact]
    public void RecordedSpend_CountsOnce_BeforeAndAfterTheCounterAnswers()
    {
        var book = Book();
        book.SharedSeen(Period, 4m);

        book.Recorded(Charge(1m));
        Assert.Equal(5m, book.Spent(Team));

        // The counter took it (another instance had added 0.5 meanwhile): its total replaces "4 + 1 not sent yet".
        book.SharedAdded(Period, 1m, 5.5m);
        Assert.Equal(5.5m, book.Spent(Team));

        // Written to the store: the ledger's view (1) is below the shared one; nothing moves.
        book.Written(new Dictionary<SpendPeriod, decimal> { [Period] = 1m });
        Assert.Equal(5.5m, book.Spent(Team));
    }

    [Fact]
    public void SharedTotals_OnlyGrow_AnOlderOrLostCounterDoesNotLowerThem()
    {
        var book = Book();
        book.SharedSeen(Period, 6m);
        book.SharedSeen(Period, 2m);

        Assert.Equal(6m, book.Spent(Team));
        Assert.Equal(6m, book.SharedFloor(Period));
    }

    [Fact]
    public void NotShared_StillCountsHere_OnTopOfTheLastSharedTotal_AndRaisesTheFloor()
    {
        var book = Book();
        book.SharedSeen(Period, 4m);
        book.Recorded(Charge(3m));

        book.NotShared(Period, 3m);

        Assert.Equal(7m, book.Spent(Team));
        Assert.Equal(7m, book.SharedFloor(Period));
    }

    [Fact]
    public void TheStoresTotal_WinsWhenItKnowsMore_AndIsTheFloor()
    {
        var book = Book();
        book.SharedSeen(Period, 2m);

        // Other instances' spend the counter missed (it was down) reached the store.
        book.Refreshed(new Dictionary<SpendPeriod, decimal> { [Period] = 8m });

        Assert.Equal(8m, book.Spent(Team));
        Assert.Equal(8m, book.SharedFloor(Period));
    }

    [Fact]
    public void TheFloor_NeverHoldsWhatThisInstanceHasNotSent()
    {
        var book = Book();
        book.SharedSeen(Period, 2m);
        book.Recorded(Charge(5m));

        Assert.Equal(7m, book.Spent(Team));
        Assert.Equal(2m, book.SharedFloor(Period));
    }

    private KeyValuePair<SpendPeriod, decimal>[] Charge(decimal amount) => new[] { new KeyValuePair<SpendPeriod, decimal>(Period, amount) };

    private BudgetBook Book(bool shared = true)
    {
        var book = new BudgetBook(_time, NullLogger.Instance);
        book.Add(Team);
        if (shared)
        {
            book.UseSharedCounters();
        }

        return book;
    }
}
