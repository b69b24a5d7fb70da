using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Gateway.Tests.Caching;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Spend;

/// <summary>
/// Two gateway instances on one real redis-server (started by the fixture on loopback), each with its own usage ledger
/// (in memory) and the ledger's refresh set to a minute: a key's budget is one budget across them because its spend
/// counters live on Redis, in front of the ledgers. Redis stopped mid-test: requests are still served and counted by the
/// ledger; Redis back empty: the counter starts again from what the ledger holds, and the budget still holds.
/// </summary>
public sealed class SharedBudgetOverRedisTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private const string Setting = "Gateway:ApiKeys:1:MaxSpendUsd";

    /// <summary>Far longer than any wait below: what one instance learns of the other's spend, it learns through Redis.</summary>
    private const string StoreRefreshSeconds = "60";

    [Fact]
    public async Task KeyBudget_SpendOnOneInstance_IsSeenByTheOther_AtOnce_WhichRefuses()
    {
        var cost = await CostOfOneChatAsync();
        await using var pair = await CacheGateway.StartAsync(instances: 2, redis.ConnectionString, Settings(budgetUsd: 2.5m * cost));
        var (a, b) = (pair.Instances[0], pair.Instances[1]);

        // Alternating instances, each answer seen by the other well within a second — not after the store's minute.
        var slowest = TimeSpan.Zero;
        foreach (var (answering, other, spent) in new[] { (a, b, cost), (b, a, 2 * cost), (a, b, 3 * cost) })
        {
            using var answered = await answering.Http.SendAsync(SpendGateway.Chat(SpendGateway.BudgetKey));
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
            var clock = Stopwatch.StartNew();
            await WaitUntilAsync(async () => await SpentAsync(other) == spent, TimeSpan.FromSeconds(5));
            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
        }

        Assert.True(slowest < TimeSpan.FromSeconds(2), $"The other instance took {slowest} to see the spend.");

        // Three answers spent 3x against 2.5x: both refuse, in their own wire format, naming the budget.
        foreach (var instance in pair.Instances)
        {
            using var refused = await instance.Http.SendAsync(SpendGateway.Chat(SpendGateway.BudgetKey));
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            var error = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!;
            Assert.Equal("insufficient_quota", error["code"]!.GetValue<string>());
            Assert.Contains(Setting, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
            using var messages = await instance.Http.SendAsync(SpendGateway.Messages(SpendGateway.BudgetKey));
            Assert.Equal(HttpStatusCode.TooManyRequests, messages.StatusCode);
        }

        Assert.Equal(3, pair.Upstream.ChatRequests.Count);
    }

    [Fact]
    public async Task RedisStoppedMidTest_RequestsAreServedAndCountedByTheLedger_RedisBackEmpty_TheCounterStartsFromTheLedger()
    {
        var cost = await CostOfOneChatAsync();
        var settings = Settings(budgetUsd: 3.5m * cost);
        await using var pair = await CacheGateway.StartAsync(instances: 2, redis.ConnectionString, settings);
        var (a, b) = (pair.Instances[0], pair.Instances[1]);
        using (var first = await a.Http.SendAsync(SpendGateway.Chat(SpendGateway.BudgetKey)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        await WaitUntilAsync(async () => await SpentAsync(b) == cost, TimeSpan.FromSeconds(5));

        await redis.StopAsync();
        try
        {
            // Served, and counted by the instance's ledger: three more answers take it to 4x of 3.5x, and it refuses.
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 4; i++)
            {
                using var response = await a.Http.SendAsync(SpendGateway.Chat(SpendGateway.BudgetKey));
                statuses.Add(response.StatusCode);
            }

            Assert.Equal(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }, statuses);
            Assert.Equal(4 * cost, await SpentAsync(a));

            // Said in the health report: degraded, budgets counted from the ledger.
            JsonNode? report = null;
            await WaitUntilAsync(
                async () =>
                {
                    using var health = await a.Http.SendAsync(SpendGateway.Get(SpendGateway.AdminKey, "/health/ready"));
                    report = JsonNode.Parse(await health.Content.ReadAsStringAsync())!;
                    return report["status"]!.GetValue<string>() == "degraded";
                },
                TimeSpan.FromSeconds(10));
            Assert.Contains("budgets count from the usage ledger", report!["shared_state"]!["effect"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        finally
        {
            await redis.StartAsync();
        }

        // Redis came back empty. The instance that spent raises the counter to what its ledger holds (4x), and the other
        // hears it — through Redis: its own ledger never saw a cent of it, and its refresh is a minute away.
        await WaitUntilAsync(async () => await SpentAsync(b) == 4 * cost, TimeSpan.FromSeconds(15));
        using (var refused = await b.Http.SendAsync(SpendGateway.Chat(SpendGateway.BudgetKey)))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        // A new instance, with an empty ledger of its own, refuses from its first request: the counter holds it all.
        var extra = new Dictionary<string, string?>(settings) { ["LlmSettings:Redis:ConnectionString"] = redis.ConnectionString };
        await using var c = await SpendGateway.StartAsync(extra: extra, upstream: pair.Upstream);
        Assert.Equal(4 * cost, await SpentAsync(c));
        using (var refused = await c.Http.SendAsync(SpendGateway.Chat(SpendGateway.BudgetKey)))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        Assert.Equal(4, pair.Upstream.ChatRequests.Count);
        Assert.Contains(pair.Logs.Lines, l => l.Contains("budgets count from the usage ledger", StringComparison.Ordinal));
        Assert.DoesNotContain(pair.Logs.Lines, l => l.Contains(RedisServer.Password, StringComparison.Ordinal));
    }

    /// <summary>The budget, the store's refresh a minute away, and the test's own Redis keys and channel.</summary>
    private static Dictionary<string, string?> Settings(decimal budgetUsd)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        return new Dictionary<string, string?>
        {
            [Setting] = budgetUsd.ToString(CultureInfo.InvariantCulture),
            ["LlmSettings:Usage:SpendRefreshSeconds"] = StoreRefreshSeconds,
            ["LlmSettings:Caching:KeyPrefix"] = $"t{id}:cache:",
            ["LlmSettings:Redis:KeyPrefix"] = $"t{id}:",
        };
    }

    /// <summary>What one chat request costs (the fake upstream answers the same prompt the same way), asked of a gateway of its own.</summary>
    private static async Task<decimal> CostOfOneChatAsync()
    {
        await using var gateway = await SpendGateway.StartAsync();
        using var response = await gateway.Http.SendAsync(SpendGateway.Chat(SpendGateway.ClientKey));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return decimal.Parse(response.Headers.GetValues("x-llmb-cost-usd").Single(), CultureInfo.InvariantCulture);
    }

    /// <summary>What an instance says the key has spent (<c>/admin/budgets</c>).</summary>
    private static async Task<decimal> SpentAsync(SpendGateway instance)
    {
        using var report = await instance.Http.SendAsync(SpendGateway.Get(SpendGateway.AdminKey, "/admin/budgets"));
        return JsonNode.Parse(await report.Content.ReadAsStringAsync())!.AsArray().Single(b => b!["setting"]!.GetValue<string>() == Setting)!["spent_usd"]!.GetValue<decimal>();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"The condition did not hold within {within.TotalSeconds} s.");
            await Task.Delay(25);
        }
    }
}
