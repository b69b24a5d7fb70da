using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.FakeProvider;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Spend;

/// <summary>
/// Two gateway instances on one real PostgreSQL (the one CI starts, or a throwaway one) enforce one key budget and one
/// backend budget: what one instance spends counts on the other, and each refuses — with errors a client understands —
/// once their shared spend reaches the limit. Overshoot stays within the documented bound (requests in flight).
/// </summary>
public sealed class SharedBudgetTests(PostgreSqlServer postgres) : IClassFixture<PostgreSqlServer>
{
    [Fact]
    public async Task KeyBudget_IsOneBudgetAcrossTwoInstances()
    {
        await using var pair = await Pair.StartAsync(postgres, budgetKeyUsd: null);
        var cost = await pair.CostOfOneAsync(SpendGateway.ClientKey);

        // A budget of three and a half requests: the fourth takes it past the limit, and then both instances refuse.
        await pair.RestartAsync(budgetKeyUsd: 3.5m * cost);
        var answered = 0;
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 8 && refused is null; i++)
        {
            var instance = pair.Instances[i % 2];
            var response = await instance.Http.SendAsync(SpendGateway.Chat(SpendGateway.BudgetKey));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                answered++;
                await pair.SettleAsync("Gateway:ApiKeys:1:MaxSpendUsd", answered * cost);
                response.Dispose();
            }
            else
            {
                refused = response;
            }
        }

        using (refused)
        {
            Assert.Equal(4, answered);
            Assert.NotNull(refused);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            var error = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!;
            Assert.Equal("insufficient_quota", error["code"]!.GetValue<string>());
            Assert.Contains("Gateway:ApiKeys:1:MaxSpendUsd", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        // The other instance refuses too, and on the Anthropic endpoint in Anthropic's shape.
        foreach (var instance in pair.Instances)
        {
            using var again = await instance.Http.SendAsync(SpendGateway.Messages(SpendGateway.BudgetKey));
            Assert.Equal(HttpStatusCode.TooManyRequests, again.StatusCode);
            Assert.Equal("error", JsonNode.Parse(await again.Content.ReadAsStringAsync())!["type"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task BackendBudget_IsOneBudgetAcrossTwoInstances_ThenTheRouteFailsOver()
    {
        await using var pair = await Pair.StartAsync(postgres, budgetKeyUsd: null);
        var cost = await pair.CostOfOneAsync(SpendGateway.ClientKey);

        // That request was the backend's too: with a budget of three and a half requests, three more fit.
        await pair.RestartAsync(budgetKeyUsd: null, backendBudgetUsd: 3.5m * cost);

        var answeredBy = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await pair.Instances[i % 2].Http.SendAsync(SpendGateway.Chat(SpendGateway.ClientKey, model: "shared"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            answeredBy.Add(response.Headers.GetValues("x-llmb-backend").Single());
            if (answeredBy[^1] == "priced")
            {
                await pair.SettleAsync("LlmSettings:Backends:0:MaxSpendUsd", (1 + answeredBy.Count(b => b == "priced")) * cost);
            }
        }

        // Three more answers take the backend past its budget, whichever instance gave them; then the route's next backend answers.
        Assert.Equal(new[] { "priced", "priced", "priced", "priced-claude", "priced-claude", "priced-claude" }, answeredBy);

        // Asked for alone, the spent backend is refused on both instances, naming its budget.
        foreach (var instance in pair.Instances)
        {
            using var alone = await instance.Http.SendAsync(SpendGateway.Chat(SpendGateway.ClientKey, model: "gpt-fake"));
            var message = JsonNode.Parse(await alone.Content.ReadAsStringAsync())!["error"]!["message"]!.GetValue<string>();
            Assert.Equal(HttpStatusCode.TooManyRequests, alone.StatusCode);
            Assert.Contains("LlmSettings:Backends:0:MaxSpendUsd", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RequestsInFlightOnBothInstances_OvershootByAtMostThoseRequests()
    {
        await using var pair = await Pair.StartAsync(postgres, budgetKeyUsd: null);
        var cost = await pair.CostOfOneAsync(SpendGateway.ClientKey);
        await pair.RestartAsync(budgetKeyUsd: 3.5m * cost);

        // Rounds of one request on each instance at the same moment, the budget settling between rounds.
        var answered = 0;
        for (var round = 0; round < 4; round++)
        {
            var responses = await Task.WhenAll(pair.Instances.Select(g => g.Http.SendAsync(SpendGateway.Chat(SpendGateway.BudgetKey))));
            answered += responses.Count(r => r.StatusCode == HttpStatusCode.OK);
            Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
            foreach (var response in responses)
            {
                response.Dispose();
            }

            await pair.SettleAsync("Gateway:ApiKeys:1:MaxSpendUsd", answered * cost);
        }

        // Spent: at least the budget (no instance stops early), at most the budget plus the two requests in flight.
        var spent = answered * cost;
        Assert.InRange(spent, 3.5m * cost, (3.5m + 2m) * cost);
    }

    /// <summary>Two gateways on one fresh database and one upstream, with the priced backends and a route over both.</summary>
    private sealed class Pair : IAsyncDisposable
    {
        private readonly PostgreSqlServer _server;
        private readonly FakeProviderServer _upstream;
        private readonly string _database;
        private readonly string _connectionString;

        private Pair(PostgreSqlServer server, FakeProviderServer upstream, string database, string connectionString)
        {
            _server = server;
            _upstream = upstream;
            _database = database;
            _connectionString = connectionString;
        }

        public SpendGateway[] Instances { get; private set; } = Array.Empty<SpendGateway>();

        public static async Task<Pair> StartAsync(PostgreSqlServer server, decimal? budgetKeyUsd)
        {
            var upstream = await FakeProviderServer.StartAsync(new FakeProviderOptions { RequiredApiKey = "upstream-key" });
            var (connectionString, name) = await server.CreateDatabaseAsync();
            var pair = new Pair(server, upstream, name, connectionString);
            await pair.RestartAsync(budgetKeyUsd);
            return pair;
        }

        /// <summary>Restarts both instances with other budgets (the spend so far stays in the database).</summary>
        public async Task RestartAsync(decimal? budgetKeyUsd, decimal? backendBudgetUsd = null)
        {
            await StopAsync();
            var extra = new Dictionary<string, string?>
            {
                ["LlmSettings:Usage:Store"] = "PostgreSql",
                ["LlmSettings:Usage:ConnectionString"] = _connectionString,
                ["LlmSettings:Usage:SpendRefreshSeconds"] = "1",
                ["LlmSettings:Usage:FlushIntervalMs"] = "50",
                ["LlmSettings:Routes:0:Name"] = "shared",
                ["LlmSettings:Routes:0:Backends:0"] = "priced",
                ["LlmSettings:Routes:0:Backends:1"] = "priced-claude",
                ["Gateway:ApiKeys:1:MaxSpendUsd"] = budgetKeyUsd?.ToString(CultureInfo.InvariantCulture) ?? "1000000000",
                ["LlmSettings:Backends:0:MaxSpendUsd"] = backendBudgetUsd?.ToString(CultureInfo.InvariantCulture),
            };
            Instances = new[]
            {
                await SpendGateway.StartAsync(extra: extra, upstream: _upstream),
                await SpendGateway.StartAsync(extra: extra, upstream: _upstream),
            };
        }

        /// <summary>What one chat request costs (a client key's; the fake upstream answers the same prompt the same way).</summary>
        public async Task<decimal> CostOfOneAsync(string key)
        {
            using var response = await Instances[0].Http.SendAsync(SpendGateway.Chat(key));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return decimal.Parse(response.Headers.GetValues("x-llmb-cost-usd").Single(), CultureInfo.InvariantCulture);
        }

        /// <summary>Waits until both instances report <paramref name="expected"/> spent against the budget (written and re-read).</summary>
        public async Task SettleAsync(string setting, decimal expected)
        {
            var deadline = DateTime.UtcNow.AddSeconds(15);
            var seen = new decimal[Instances.Length];
            while (DateTime.UtcNow < deadline)
            {
                for (var i = 0; i < Instances.Length; i++)
                {
                    using var report = await Instances[i].Http.SendAsync(SpendGateway.Get(SpendGateway.AdminKey, "/admin/budgets"));
                    var budget = JsonNode.Parse(await report.Content.ReadAsStringAsync())!.AsArray().FirstOrDefault(b => b!["setting"]!.GetValue<string>() == setting);
                    seen[i] = budget?["spent_usd"]!.GetValue<decimal>() ?? -1;
                }

                if (seen.All(s => s == expected))
                {
                    return;
                }

                await Task.Delay(100);
            }

            Assert.Fail($"The instances saw {string.Join(" and ", seen)} spent against {setting}, not {expected}, after 15 s.");
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            await _upstream.DisposeAsync();
            Npgsql.NpgsqlConnection.ClearAllPools();
            await _server.DropDatabaseAsync(_database);
        }

        private async Task StopAsync()
        {
            foreach (var instance in Instances)
            {
                await instance.DisposeAsync();
            }

            Instances = Array.Empty<SpendGateway>();
        }
    }
}
