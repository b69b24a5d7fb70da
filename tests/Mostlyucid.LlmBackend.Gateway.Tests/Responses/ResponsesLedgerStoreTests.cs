using System.Net;
using Microsoft.Extensions.Configuration;
using Mostlyucid.LlmBackend.Gateway.Configuration;
using Mostlyucid.LlmBackend.Gateway.Tests.Spend;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Responses;

/// <summary>
/// <c>Gateway:Responses:Store</c> = <c>Ledger</c>: stored responses live in the usage ledger's database, so they outlive
/// a restart (SQLite) and every instance sharing a PostgreSQL ledger sees them — still only for the key that created
/// them. Bad settings stop startup with the key named.
/// </summary>
public sealed class ResponsesLedgerStoreTests(PostgreSqlServer postgres) : IClassFixture<PostgreSqlServer>
{
    [Fact]
    public async Task SqliteLedger_KeepsStoredResponsesAcrossARestart()
    {
        var folder = Path.Combine(Path.GetTempPath(), "llmb-ledger-" + Guid.NewGuid().ToString("N")[..12]);
        var extra = new Dictionary<string, string?>
        {
            ["LlmSettings:Usage:Store"] = "Sqlite",
            ["LlmSettings:Usage:ConnectionString"] = Path.Combine(folder, "usage.db"),
            ["Gateway:Responses:Store"] = "Ledger",
        };
        try
        {
            string id;
            await using (var first = await SpendGateway.StartAsync(extra: extra))
            {
                using var client = new RawResponsesClient(first.Gateway.BaseUrl, SpendGateway.ClientKey);
                var (response, created) = await client.CreateAsync("""{"model":"gpt-fake","input":"keep this"}""");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.True(decimal.Parse(response.Headers.GetValues("x-llmb-cost-usd").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
                id = (string)created["id"]!;
            }

            await using var second = await SpendGateway.StartAsync(extra: extra);
            using var again = new RawResponsesClient(second.Gateway.BaseUrl, SpendGateway.ClientKey);
            using var stranger = new RawResponsesClient(second.Gateway.BaseUrl, SpendGateway.AdminKey);
            var (found, stored) = await again.SendAsync(HttpMethod.Get, $"/v1/responses/{id}");
            var (hidden, _) = await stranger.SendAsync(HttpMethod.Get, $"/v1/responses/{id}");
            var (continued, answer) = await again.CreateAsync($$"""{"model":"gpt-fake","input":"and now?","previous_response_id":"{{id}}"}""");

            Assert.Equal(HttpStatusCode.OK, found.StatusCode);
            Assert.Equal("Echo from gpt-fake: keep this", (string)stored["output"]![0]!["content"]![0]!["text"]!);
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
            Assert.Equal(HttpStatusCode.OK, continued.StatusCode);
            Assert.Equal(id, (string)answer["previous_response_id"]!);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public async Task PostgreSqlLedger_IsSharedByEveryInstance()
    {
        var (connectionString, database) = await postgres.CreateDatabaseAsync();
        var extra = new Dictionary<string, string?>
        {
            ["LlmSettings:Usage:Store"] = "PostgreSql",
            ["LlmSettings:Usage:ConnectionString"] = connectionString,
            ["Gateway:Responses:Store"] = "Ledger",
        };
        try
        {
            await using var one = await SpendGateway.StartAsync(extra: extra);
            await using var two = await SpendGateway.StartAsync(extra: extra, upstream: one.Upstream);
            using var onOne = new RawResponsesClient(one.Gateway.BaseUrl, SpendGateway.ClientKey);
            using var onTwo = new RawResponsesClient(two.Gateway.BaseUrl, SpendGateway.ClientKey);
            using var strangerOnTwo = new RawResponsesClient(two.Gateway.BaseUrl, SpendGateway.AdminKey);
            var (_, created) = await onOne.CreateAsync("""{"model":"claude-fake","input":"shared"}""");

            var (found, _) = await onTwo.SendAsync(HttpMethod.Get, $"/v1/responses/{(string)created["id"]!}");
            var (referenced, answer) = await onTwo.CreateAsync($$"""{"model":"gpt-fake","input":[{"type":"item_reference","id":"{{(string)created["output"]![0]!["id"]!}}"},{"role":"user","content":"next"}]}""");
            var (hidden, _) = await strangerOnTwo.SendAsync(HttpMethod.Get, $"/v1/responses/{(string)created["id"]!}");

            Assert.Equal(HttpStatusCode.OK, found.StatusCode);
            Assert.Equal(HttpStatusCode.OK, referenced.StatusCode);
            Assert.Equal("Echo from gpt-fake: next", (string)answer["output"]![0]!["content"]![0]!["text"]!);
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        }
        finally
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await postgres.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public void BadSettings_StopStartup_NamingTheKey()
    {
        var error = Assert.Throws<GatewayConfigurationException>(() => GatewayApplication.Create(
            new[] { "--urls", "http://127.0.0.1:0" },
            builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["LlmSettings:Usage:Store"] = "Memory",
                ["Gateway:Responses:Store"] = "Ledger",
                ["Gateway:Responses:RetentionHours"] = "0",
                ["Gateway:Responses:MaxStoredResponses"] = "-1",
                ["Gateway:Responses:Retention"] = "5",
            })));

        Assert.Contains(error.Problems, p => p.StartsWith("Gateway:Responses:Store: Ledger keeps responses in the usage ledger's database", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("Gateway:Responses:RetentionHours: must be between 1", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("Gateway:Responses:MaxStoredResponses: must be 1 or more", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("Gateway:Responses:Retention: unknown setting", StringComparison.Ordinal));
    }
}
