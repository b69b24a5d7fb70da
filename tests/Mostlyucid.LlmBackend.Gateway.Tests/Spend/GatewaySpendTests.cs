using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Spend;

/// <summary>
/// Through the gateway: every answer carries its cost (header and usage), a key's budget and tokens-per-minute limit
/// refuse with the error shapes clients know, and only an admin key reads everyone's spend.
/// </summary>
public sealed class GatewaySpendTests
{
    [Fact]
    public async Task Chat_CarriesItsCost_InTheHeaderAndTheUsage()
    {
        await using var gateway = await SpendGateway.StartAsync();

        using var response = await gateway.Http.SendAsync(SpendGateway.Chat(SpendGateway.ClientKey));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var usage = body["usage"]!;
        var expected = SpendGateway.CostOf(usage);
        Assert.True(expected > 0);
        Assert.Equal(expected, decimal.Parse(response.Headers.GetValues("x-llmb-cost-usd").Single(), CultureInfo.InvariantCulture));
        Assert.Equal(expected, usage["cost_usd"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Messages_CarriesItsCost_InTheHeaderAndTheUsage()
    {
        await using var gateway = await SpendGateway.StartAsync();

        using var response = await gateway.Http.SendAsync(SpendGateway.Messages(SpendGateway.ClientKey));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var usage = body["usage"]!;
        var expected = SpendGateway.CostOf(usage, "input_tokens", "output_tokens");
        Assert.Equal(expected, decimal.Parse(response.Headers.GetValues("x-llmb-cost-usd").Single(), CultureInfo.InvariantCulture));
        Assert.Equal(expected, usage["cost_usd"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task StreamedChat_CarriesItsCost_OnTheUsageChunk()
    {
        await using var gateway = await SpendGateway.StartAsync();

        using var response = await gateway.Http.SendAsync(SpendGateway.Chat(SpendGateway.ClientKey, stream: true));
        var events = (await response.Content.ReadAsStringAsync())
            .Split('\n')
            .Where(line => line.StartsWith("data: {", StringComparison.Ordinal))
            .Select(line => JsonNode.Parse(line["data: ".Length..])!)
            .ToList();

        var usage = events.Single(e => e["usage"] is JsonObject)["usage"]!;
        Assert.Equal(SpendGateway.CostOf(usage), usage["cost_usd"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task SpentKeyBudget_IsOpenAis429InsufficientQuota_NamingTheBudgetAndItsReset()
    {
        await using var gateway = await SpendGateway.StartAsync(budgetUsd: 1m);
        var upstreamCalls = gateway.Upstream.Requests.Count;

        using var first = await gateway.Http.SendAsync(SpendGateway.Chat(SpendGateway.BudgetKey));
        using var refused = await gateway.Http.SendAsync(SpendGateway.Chat(SpendGateway.BudgetKey));
        using var otherKey = await gateway.Http.SendAsync(SpendGateway.Chat(SpendGateway.ClientKey));
        var error = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("insufficient_quota", error["type"]!.GetValue<string>());
        Assert.Equal("insufficient_quota", error["code"]!.GetValue<string>());
        var message = error["message"]!.GetValue<string>();
        Assert.Contains("'budgeted'", message, StringComparison.Ordinal);
        Assert.Contains("Gateway:ApiKeys:1:MaxSpendUsd", message, StringComparison.Ordinal);
        Assert.Contains("resets at " + DateTime.UtcNow.Date.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), message, StringComparison.Ordinal);
        var retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 86_400);
        Assert.Equal(HttpStatusCode.OK, otherKey.StatusCode);

        // The refusal reached no backend: the upstream saw the first request and the other key's only.
        Assert.Equal(upstreamCalls + 2, gateway.Upstream.Requests.Count);
    }

    [Fact]
    public async Task SpentKeyBudget_OnMessages_IsAnAnthropicError()
    {
        await using var gateway = await SpendGateway.StartAsync(budgetUsd: 1m);

        using var first = await gateway.Http.SendAsync(SpendGateway.Messages(SpendGateway.BudgetKey));
        using var refused = await gateway.Http.SendAsync(SpendGateway.Messages(SpendGateway.BudgetKey, stream: true));
        var body = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("error", body["type"]!.GetValue<string>());
        Assert.Equal("rate_limit_error", body["error"]!["type"]!.GetValue<string>());
        Assert.Contains("Gateway:ApiKeys:1:MaxSpendUsd", body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(refused.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task TokensPerMinute_RefusesTheKeyOnceItsTokensAreUsed_WithRetryAfter()
    {
        await using var gateway = await SpendGateway.StartAsync();

        // The first answer uses more than the key's 10 tokens a minute; what follows waits for the next minute.
        using var first = await gateway.Http.SendAsync(SpendGateway.Chat(SpendGateway.TokensKey));
        var used = JsonNode.Parse(await first.Content.ReadAsStringAsync())!["usage"]!["total_tokens"]!.GetValue<int>();
        await gateway.Gateway.Services.GetRequiredService<IUsageLedger>().FlushAsync();
        using var refused = await gateway.Http.SendAsync(SpendGateway.Chat(SpendGateway.TokensKey));
        var error = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!;

        Assert.True(used > 10, $"the fake answer used only {used} tokens");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("tokens", error["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture), 1, 60);
    }

    [Fact]
    public async Task AdminUsage_NeedsAnAdminKey_AndTotalsByKeyBackendAndModel()
    {
        await using var gateway = await SpendGateway.StartAsync();
        using var chat = await gateway.Http.SendAsync(SpendGateway.Chat(SpendGateway.ClientKey));
        var cost = decimal.Parse(chat.Headers.GetValues("x-llmb-cost-usd").Single(), CultureInfo.InvariantCulture);
        using var messages = await gateway.Http.SendAsync(SpendGateway.Messages(SpendGateway.BudgetKey));

        using var asClient = await gateway.Http.SendAsync(SpendGateway.Get(SpendGateway.ClientKey, "/admin/usage"));
        using var byKey = await gateway.Http.SendAsync(SpendGateway.Get(SpendGateway.AdminKey, "/admin/usage?group_by=key"));
        using var byBackend = await gateway.Http.SendAsync(SpendGateway.Get(SpendGateway.AdminKey, "/admin/usage?group_by=backend"));
        using var oneKey = await gateway.Http.SendAsync(SpendGateway.Get(SpendGateway.AdminKey, "/admin/usage?group_by=model&key=client"));
        using var bad = await gateway.Http.SendAsync(SpendGateway.Get(SpendGateway.AdminKey, "/admin/usage?group_by=colour"));

        Assert.Equal(HttpStatusCode.Forbidden, asClient.StatusCode);
        var keys = (await Rows(byKey)).ToDictionary(r => r["key"]!.GetValue<string>());
        Assert.Equal(cost, keys["client"]["cost_usd"]!.GetValue<decimal>());
        Assert.Equal(1, keys["client"]["requests"]!.GetValue<long>());
        Assert.Equal(1, keys["budgeted"]["requests"]!.GetValue<long>());
        var backends = (await Rows(byBackend)).Select(r => r["key"]!.GetValue<string>()).Order(StringComparer.Ordinal);
        Assert.Equal(new[] { "priced", "priced-claude" }, backends);
        var models = await Rows(oneKey);
        Assert.Equal("gpt-fake", Assert.Single(models)["key"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("group_by", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminBudgets_ShowsEachBudgetWithItsSpendAndReset_ToAdminsOnly()
    {
        await using var gateway = await SpendGateway.StartAsync(budgetUsd: 1000m);
        using var chat = await gateway.Http.SendAsync(SpendGateway.Chat(SpendGateway.BudgetKey));
        var cost = decimal.Parse(chat.Headers.GetValues("x-llmb-cost-usd").Single(), CultureInfo.InvariantCulture);

        using var asClient = await gateway.Http.SendAsync(SpendGateway.Get(SpendGateway.BudgetKey, "/admin/budgets"));
        using var asAdmin = await gateway.Http.SendAsync(SpendGateway.Get(SpendGateway.AdminKey, "/admin/budgets"));
        var budget = JsonNode.Parse(await asAdmin.Content.ReadAsStringAsync())!.AsArray()
            .Single(b => b!["setting"]!.GetValue<string>() == "Gateway:ApiKeys:1:MaxSpendUsd")!;

        Assert.Equal(HttpStatusCode.Forbidden, asClient.StatusCode);
        Assert.Equal(1000m, budget["limit_usd"]!.GetValue<decimal>());
        Assert.Equal(cost, budget["spent_usd"]!.GetValue<decimal>());
        Assert.False(budget["exhausted"]!.GetValue<bool>());
        Assert.Equal(DateTime.UtcNow.Date.AddDays(1), budget["resets_at"]!.GetValue<DateTimeOffset>().UtcDateTime);
    }

    [Fact]
    public async Task SqliteLedger_KeepsSpendAcrossRestarts_SoABudgetStaysSpent()
    {
        var folder = Directory.CreateTempSubdirectory("llmb-ledger-");
        try
        {
            var store = new Dictionary<string, string?>
            {
                ["LlmSettings:Usage:Store"] = "Sqlite",
                ["LlmSettings:Usage:ConnectionString"] = "Data Source=" + Path.Combine(folder.FullName, "ledger.db"),
            };
            await using (var before = await SpendGateway.StartAsync(budgetUsd: 1m, extra: store))
            {
                using var spent = await before.Http.SendAsync(SpendGateway.Chat(SpendGateway.BudgetKey));
                Assert.Equal(HttpStatusCode.OK, spent.StatusCode);
            }

            await using var after = await SpendGateway.StartAsync(budgetUsd: 1m, extra: store);
            using var refused = await after.Http.SendAsync(SpendGateway.Chat(SpendGateway.BudgetKey));
            using var report = await after.Http.SendAsync(SpendGateway.Get(SpendGateway.AdminKey, "/admin/usage?group_by=key"));

            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal(1, (await Rows(report)).Single(r => r["key"]!.GetValue<string>() == "budgeted")["requests"]!.GetValue<long>());
            Assert.Empty(after.Upstream.Requests);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task BudgetSetMidPeriod_CountsWhatTheKeySpentSoFar_FromTheLedger()
    {
        var folder = Directory.CreateTempSubdirectory("llmb-ledger-");
        try
        {
            var store = new Dictionary<string, string?>
            {
                ["LlmSettings:Usage:Store"] = "Sqlite",
                ["LlmSettings:Usage:ConnectionString"] = Path.Combine(folder.FullName, "ledger.db"),
            };
            decimal cost;
            await using (var unlimited = await SpendGateway.StartAsync(budgetUsd: 1_000_000m, extra: new Dictionary<string, string?>(store) { ["Gateway:ApiKeys:1:MaxSpendUsd"] = null }))
            {
                using var spent = await unlimited.Http.SendAsync(SpendGateway.Chat(SpendGateway.BudgetKey));
                cost = decimal.Parse(spent.Headers.GetValues("x-llmb-cost-usd").Single(), CultureInfo.InvariantCulture);
            }

            // The operator now gives the key a budget smaller than what it has already spent this period.
            await using var budgeted = await SpendGateway.StartAsync(budgetUsd: cost / 2, extra: store);
            using var refused = await budgeted.Http.SendAsync(SpendGateway.Chat(SpendGateway.BudgetKey));
            using var budgets = await budgeted.Http.SendAsync(SpendGateway.Get(SpendGateway.AdminKey, "/admin/budgets"));
            var budget = JsonNode.Parse(await budgets.Content.ReadAsStringAsync())!.AsArray().Single(b => b!["setting"]!.GetValue<string>() == "Gateway:ApiKeys:1:MaxSpendUsd")!;

            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal(cost, budget["spent_usd"]!.GetValue<decimal>());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void BadSpendSettings_StopStartup_AllNamed()
    {
        var error = Assert.Throws<Configuration.GatewayConfigurationException>(() => GatewayApplication.Create(
            new[] { "--urls", "http://127.0.0.1:0" },
            builder => Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(builder.Configuration, new Dictionary<string, string?>
            {
                ["Gateway:ApiKeys:0:Name"] = "team",
                ["Gateway:ApiKeys:0:Key"] = "team-key-0123456789abcdef",
                ["Gateway:ApiKeys:0:MaxSpendUsd"] = "-5",
                ["Gateway:ApiKeys:0:MaxTokensPerMinute"] = "0",
                ["Gateway:ApiKeys:0:Role"] = "Owner",
                ["LlmSettings:Usage:Store"] = "Sqlit",
                ["LlmSettings:Backends:0:Name"] = "main",
                ["LlmSettings:Backends:0:Type"] = "Mock",
                ["LlmSettings:Backends:0:MaxSpendUsd"] = "0",
                ["LlmSettings:Backends:0:SpendResetPeriod"] = "Fortnightly",
                ["LlmSettings:Backends:0:CostPerMillionInputTokens"] = "-1",
            })));

        var problems = string.Join("\n", error.Problems);
        Assert.Contains("Gateway:ApiKeys:0:MaxSpendUsd", problems, StringComparison.Ordinal);
        Assert.Contains("Gateway:ApiKeys:0:MaxTokensPerMinute", problems, StringComparison.Ordinal);
        Assert.Contains("Gateway:ApiKeys:0:Role", problems, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'Sqlite'", problems, StringComparison.Ordinal);
        Assert.Contains("MaxSpendUsd must be greater than 0", problems, StringComparison.Ordinal);
        Assert.Contains("SpendResetPeriod", problems, StringComparison.Ordinal);
        Assert.Contains("CostPerMillionInputTokens", problems, StringComparison.Ordinal);
        Assert.DoesNotContain("team-key-0123456789abcdef", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DefaultGateway_WritesASqliteLedger_WithNoSetup()
    {
        var root = Directory.CreateTempSubdirectory("llmb-root-");
        try
        {
            await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
            {
                // The embedded defaults (a Mock backend), with the store left to the gateway's default.
                ["LlmSettings:Usage:Store"] = null,
            }, null, "--contentRoot", root.FullName);
            using var http = new HttpClient { BaseAddress = new Uri(gateway.BaseUrl) };
            using var response = await http.PostAsync("/v1/chat/completions", new StringContent("""{"model":"mock","messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"));
            await gateway.Services.GetRequiredService<IUsageLedger>().FlushAsync();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("0", response.Headers.GetValues("x-llmb-cost-usd").Single());
            Assert.Equal("Sqlite", gateway.Services.GetRequiredService<IUsageLedger>().GetStatus().Store, ignoreCase: true);
            Assert.True(File.Exists(Path.Combine(root.FullName, "data", "llmb-usage.db")));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            root.Delete(recursive: true);
        }
    }

    private static async Task<List<JsonNode>> Rows(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return body["totals"]!.AsArray().Select(r => r!).ToList();
    }
}
