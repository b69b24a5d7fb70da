using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Redis;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Redis;

/// <summary>
/// The budget spend counters' script (<see cref="RedisSharedState.AddSpendAsync"/>, <see cref="RedisSpendCounter"/>) and
/// their push (<see cref="RedisSharedState.WatchSpendAsync"/>) against a real redis-server on loopback.
/// </summary>
public sealed class RedisSpendCounterTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly DateTimeOffset InAnHour = DateTimeOffset.UtcNow.AddHours(1);

    private static string Redact(string text) => text.Replace(RedisServer.Password, "[redacted]", StringComparison.Ordinal);

    private static string Unique() => "test:" + Guid.NewGuid().ToString("N");

    private RedisSharedState Connect() =>
        RedisSharedState.Connect(new RedisSettings { ConnectionString = redis.ConnectionString, TimeoutMs = 500 }, Redact, NullLogger.Instance);

    [Fact]
    public async Task AddSpendAsync_MissingCounter_StartsFromTheFloor_ThenAdds()
    {
        using var state = Connect();
        var key = Unique();

        // What the store says was spent is where a counter Redis never had (or lost) starts: never 0.
        Assert.Equal(12.5m, await state.AddSpendAsync(key, 2.5m, floorUsd: 10m, InAnHour));
        Assert.Equal(13m, await state.AddSpendAsync(key, 0.5m, floorUsd: 10m, InAnHour));
    }

    [Fact]
    public async Task AddSpendAsync_FloorBelowTheCounter_ChangesNothing_FloorAbove_RaisesIt()
    {
        using var state = Connect();
        var key = Unique();
        await state.AddSpendAsync(key, 5m, 0m, InAnHour);

        Assert.Equal(5m, await state.AddSpendAsync(key, 0m, floorUsd: 3m, InAnHour));
        Assert.Equal(8m, await state.AddSpendAsync(key, 0m, floorUsd: 8m, InAnHour));
        Assert.Equal(9.5m, await state.AddSpendAsync(key, 1m, floorUsd: 8.5m, InAnHour)); // The floor first, then the amount.

        // Compared as numbers, not as text ("10" is more than "9").
        Assert.Equal(10m, await state.AddSpendAsync(key, 0m, floorUsd: 10m, InAnHour));
        Assert.Equal(10m, await state.AddSpendAsync(key, 0m, floorUsd: 9.99m, InAnHour));
    }

    [Fact]
    public async Task AddSpendAsync_IsAtomicAndExact_AcrossConnections()
    {
        using var first = Connect();
        using var second = Connect();
        var key = Unique();

        // 200 additions of a price no binary float holds, racing from two connections, every one seeding the same floor.
        var totals = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => (i % 2 == 0 ? first : second).AddSpendAsync(key, 0.000000123m, floorUsd: 5m, InAnHour).AsTask()));

        Assert.Equal(5m + (200 * 0.000000123m), totals.Max());
        Assert.Equal(200, totals.Distinct().Count());
        Assert.Equal(5.0000246m, await first.AddSpendAsync(key, 0m, 0m, InAnHour));
    }

    [Fact]
    public async Task AddSpendAsync_KeepsEveryNanoDollar_PastWhatADoubleHolds_AndRoundsAsTheStoresDo()
    {
        using var state = Connect();
        var key = Unique();

        // 2e16 nano-dollars is past 2^53, where Lua's numbers (doubles) stop counting single units.
        Assert.Equal(20_000_000.000000001m, await state.AddSpendAsync(key, 0m, floorUsd: 20_000_000.000000001m, InAnHour));
        Assert.Equal(20_000_000.000000002m, await state.AddSpendAsync(key, 0.000000001m, floorUsd: 0m, InAnHour));
        Assert.Equal(20_000_000.000000002m, await state.AddSpendAsync(key, 0m, floorUsd: 20_000_000.000000001m, InAnHour));

        // Below a nano-dollar: rounded half away from zero, as the SQL usage stores round each batch.
        var small = Unique();
        Assert.Equal(0.000000001m, await state.AddSpendAsync(small, 0.0000000005m, 0m, InAnHour));
        Assert.Equal(0.000000001m, await state.AddSpendAsync(small, 0.0000000004m, 0m, InAnHour));
    }

    [Fact]
    public async Task AddSpendAsync_CounterExpiresWhenTold_ThenStartsAgainFromTheFloor()
    {
        using var state = Connect();
        var key = Unique();
        await state.AddSpendAsync(key, 7m, 0m, DateTimeOffset.UtcNow.AddMilliseconds(300));

        await Task.Delay(700);

        Assert.Equal(2m, await state.AddSpendAsync(key, 0m, floorUsd: 2m, InAnHour));
    }

    [Fact]
    public async Task AddSpendAsync_NegativeAmountOrFloor_IsRefused()
    {
        using var state = Connect();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => state.AddSpendAsync(Unique(), -1m, 0m, InAnHour).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => state.AddSpendAsync(Unique(), 1m, -1m, InAnHour).AsTask());
    }

    [Fact]
    public async Task WatchSpendAsync_HearsEveryInstancesNewTotals()
    {
        using var adder = Connect();
        using var watcher = Connect();
        var heard = new ConcurrentQueue<(string Key, decimal Total)>();
        using var watch = await watcher.WatchSpendAsync((key, total) => heard.Enqueue((key, total)));
        var key = Unique() + ":caller:a:b";

        await adder.AddSpendAsync(key, 1.25m, floorUsd: 3m, InAnHour);
        await adder.AddSpendAsync(key, 0m, floorUsd: 0m, InAnHour);
        await adder.AddSpendAsync(key, 0.75m, floorUsd: 0m, InAnHour);

        // Each change, with the key as given (colons and all); a read that changed nothing says nothing.
        await WaitUntilAsync(() => heard.Count(h => h.Key == key) >= 2);
        await Task.Delay(200);
        Assert.Equal(new[] { 4.25m, 5m }, heard.Where(h => h.Key == key).Select(h => h.Total).ToArray());
    }

    [Fact]
    public async Task ServerDown_AddFailsFast_WithoutThePassword_AWatchMadeMeanwhile_HearsOnceItIsBack()
    {
        using var adder = Connect();
        using var watcher = Connect();
        var key = Unique();
        var probe = Unique();
        var heard = new ConcurrentQueue<(string Key, decimal Total)>();

        await redis.StopAsync();
        IDisposable watch;
        try
        {
            await WaitUntilAsync(() => !adder.Available && !watcher.Available);
            var clock = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<SharedStateUnavailableException>(() => adder.AddSpendAsync(key, 1m, 0m, InAnHour).AsTask());
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"A call to a stopped server took {clock.Elapsed}.");
            Assert.DoesNotContain(RedisServer.Password, error.Message, StringComparison.Ordinal);

            watch = await watcher.WatchSpendAsync((k, total) => heard.Enqueue((k, total)));
        }
        finally
        {
            await redis.StartAsync();
        }

        using (watch)
        {
            // The watch subscribes once the server is back (it may take a moment after the connection).
            await WaitUntilAsync(async () =>
            {
                try
                {
                    await adder.AddSpendAsync(probe, 1m, 0m, InAnHour);
                }
                catch (SharedStateUnavailableException)
                {
                    // Still reconnecting.
                }

                return heard.Any(h => h.Key == probe);
            });

            // The restarted server is empty: the counter starts again from the floor, and the watch hears it.
            Assert.Equal(4m, await adder.AddSpendAsync(key, 0m, floorUsd: 4m, InAnHour));
            await WaitUntilAsync(() => heard.Any(h => h.Key == key));
            Assert.Equal(4m, heard.First(h => h.Key == key).Total);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition) => await WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 20 s.");
            await Task.Delay(50);
        }
    }
}
