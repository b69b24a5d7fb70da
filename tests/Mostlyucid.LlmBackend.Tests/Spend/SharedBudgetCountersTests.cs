using Microsoft.Extensions.Logging.Abstractions;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Redis;
using Mostlyucid.LlmBackend.Security;
using Mostlyucid.LlmBackend.Spend;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Spend;

/// <summary>
/// Usage ledgers with budget counters on a real redis-server (the fixture starts its own), each "instance" with its own
/// connection, book and ledger, and the store's refresh set to a minute, so only Redis can carry spend between them.
/// </summary>
public sealed class SharedBudgetCountersTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly Budget Team = new("caller:team", "Gateway:ApiKeys:0:MaxSpendUsd", 5m, SpendResetPeriod.Daily, DayOfWeek.Monday, 1, LogExceeded: false);

    [Fact]
    public async Task Record_OnOneInstance_CountsOnTheOther_AtOnce_NotAtTheStoresRefresh()
    {
        var prefix = Prefix();
        await using var a = await Instance.StartAsync(redis, prefix, new InMemoryUsageStore());
        await using var b = await Instance.StartAsync(redis, prefix, new InMemoryUsageStore());

        a.Record(3m);

        await WaitUntilAsync(() => b.Spent == 3m, TimeSpan.FromSeconds(5));
        Assert.Null(b.Book.Exhausted(Team.Scope));
        a.Record(2.5m);
        await WaitUntilAsync(() => b.Book.Exhausted(Team.Scope) is not null, TimeSpan.FromSeconds(5));
        Assert.Equal(5.5m, b.Spent);

        // And the other way round: each answer carries every instance's total.
        b.Record(1m);
        await WaitUntilAsync(() => a.Spent == 6.5m && b.Spent == 6.5m, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task RedisDown_SpendStillCountsFromTheLedger_RedisBackEmpty_TheCounterStartsAgainFromTheStore()
    {
        // Two instances on one store (as on one PostgreSQL database).
        var prefix = Prefix();
        var store = new InMemoryUsageStore();
        var a = await Instance.StartAsync(redis, prefix, store);
        await using var b = await Instance.StartAsync(redis, prefix, store);
        a.Record(3m);
        await WaitUntilAsync(() => b.Spent == 3m, TimeSpan.FromSeconds(5));

        await redis.StopAsync();
        try
        {
            await WaitUntilAsync(() => !a.State.Available, TimeSpan.FromSeconds(10));

            // Counted here all the same, and written to the store.
            a.Record(2.5m);
            Assert.Equal(5.5m, a.Spent);
            Assert.NotNull(a.Book.Exhausted(Team.Scope));
            await a.Ledger.FlushAsync();
        }
        finally
        {
            await a.DisposeAsync();
            await redis.StartAsync();
        }

        // Redis came back empty and the instance that spent is gone: only the store knows $5.50. A new instance reads it
        // and raises the counter to it; the one still running (which last heard $3) hears it.
        await using var c = await Instance.StartAsync(redis, prefix, store);
        Assert.Equal(5.5m, await c.State.AddSpendAsync(SharedBudgetCounters.KeyOf(c.Period), 0m, 0m, DateTimeOffset.UtcNow.AddHours(1)));
        await WaitUntilAsync(() => b.Spent == 5.5m, TimeSpan.FromSeconds(10));
        Assert.NotNull(b.Book.Exhausted(Team.Scope));

        // And one that shares neither store nor memory with them sees it through Redis alone.
        await using var d = await Instance.StartAsync(redis, prefix, new InMemoryUsageStore());
        Assert.Equal(5.5m, d.Spent);
    }

    /// <summary>Each test's own key prefix (and so its own channel), so tests sharing the server never see each other.</summary>
    private static string Prefix() => "t" + Guid.NewGuid().ToString("N")[..8] + ":";

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"The condition did not hold within {within.TotalSeconds} s.");
            await Task.Delay(20);
        }
    }

    /// <summary>One instance: a Redis connection, a book with the team's budget, a ledger on the given store.</summary>
    private sealed class Instance : IAsyncDisposable
    {
        private Instance(RedisSharedState state, BudgetBook book, UsageLedger ledger)
        {
            State = state;
            Book = book;
            Ledger = ledger;
        }

        public RedisSharedState State { get; }

        public BudgetBook Book { get; }

        public UsageLedger Ledger { get; }

        public SpendPeriod Period => new(Team.Scope, Team.PeriodStart(DateTimeOffset.UtcNow));

        public decimal Spent => Book.Spent(Team);

        public static async Task<Instance> StartAsync(RedisServer redis, string prefix, IUsageStore store)
        {
            var redactor = new SecretRedactor();
            var state = RedisSharedState.Connect(new RedisSettings { ConnectionString = redis.ConnectionString, KeyPrefix = prefix, TimeoutMs = 500 }, redactor.Redact, NullLogger.Instance);
            var book = new BudgetBook(TimeProvider.System, NullLogger.Instance);
            book.Add(Team);
            var counters = new SharedBudgetCounters(state, book, redactor, TimeProvider.System, NullLogger.Instance);
            var ledger = new UsageLedger(new UsageSettings { SpendRefreshSeconds = 60, FlushIntervalMs = 20 }, store, book, redactor, TimeProvider.System, NullLogger.Instance, counters);
            await ledger.StartAsync(CancellationToken.None);
            return new Instance(state, book, ledger);
        }

        public void Record(decimal cost) => Ledger.Record(
            new UsageRecord { Timestamp = DateTimeOffset.UtcNow, Operation = "chat", CallerName = "team", CostUsd = cost },
            new[] { new KeyValuePair<SpendPeriod, decimal>(Period, cost) });

        public async ValueTask DisposeAsync()
        {
            await Ledger.DisposeAsync();
            await State.DisposeAsync();
        }
    }
}
