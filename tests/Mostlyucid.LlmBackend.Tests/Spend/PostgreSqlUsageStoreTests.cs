using Microsoft.Extensions.DependencyInjection;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.PostgreSql;
using Mostlyucid.LlmBackend.Tests.TestSupport;
using Npgsql;

namespace Mostlyucid.LlmBackend.Tests.Spend;

/// <summary>
/// The PostgreSQL usage store against a real server (<see cref="PostgreSqlServer"/>), each test in a database of its own:
/// the schema made once however many instances start, exact totals and spend, spend shared between instances, retention.
/// </summary>
public sealed class PostgreSqlUsageStoreTests : IClassFixture<PostgreSqlServer>, IAsyncLifetime
{
    private static readonly DateTimeOffset Saturday = new(2026, 12, 5, 15, 0, 0, TimeSpan.Zero);

    private readonly PostgreSqlServer _server;
    private readonly List<PostgreSqlUsageStore> _stores = [];
    private string _database = string.Empty;
    private string _connectionString = string.Empty;

    public PostgreSqlUsageStoreTests(PostgreSqlServer server)
    {
        _server = server;
    }

    public async ValueTask InitializeAsync() => (_connectionString, _database) = await _server.CreateDatabaseAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        await _server.DropDatabaseAsync(_database);
    }

    [Fact]
    public async Task InitializeAsync_OnAnEmptyDatabase_CreatesTheTablesIndexAndVersion()
    {
        await Store().InitializeAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["llmb_schema", "llmb_spend", "llmb_usage"], await ColumnAsync<string>("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"));
        Assert.Equal([1, 2], await ColumnAsync<int>("SELECT version FROM llmb_schema ORDER BY version"));
        Assert.Contains("ix_llmb_usage_ts", await ColumnAsync<string>("SELECT indexname::text FROM pg_indexes WHERE tablename = 'llmb_usage'"));
        Assert.Equal(["period_start", "scope"], await ColumnAsync<string>(
            "SELECT a.attname::text FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) " +
            "WHERE i.indrelid = 'llmb_spend'::regclass AND i.indisprimary ORDER BY 1"));
        Assert.Equal(["bigint"], await ColumnAsync<string>("SELECT data_type::text FROM information_schema.columns WHERE table_name = 'llmb_usage' AND column_name = 'cost_nano_usd'"));

        // Version 2: whether the response cache answered (existing rows read as not).
        Assert.Equal(["integer"], await ColumnAsync<string>("SELECT data_type::text FROM information_schema.columns WHERE table_name = 'llmb_usage' AND column_name = 'cache_hit'"));
    }

    [Fact]
    public async Task InitializeAsync_Again_ChangesNothingAndKeepsTheRows()
    {
        var cancel = TestContext.Current.CancellationToken;
        var first = Store();
        await first.InitializeAsync(cancel);
        await first.AppendAsync([Record(Saturday, caller: "alice", cost: 0.5m)], Spend(("caller:alice", Saturday, 0.5m)), cancel);

        await first.InitializeAsync(cancel);
        await Store().InitializeAsync(cancel);

        Assert.Equal([1, 2], await ColumnAsync<int>("SELECT version FROM llmb_schema ORDER BY version"));
        Assert.Equal(1, Assert.Single(await first.QueryAsync(new UsageQuery(), cancel)).Requests);
        Assert.Equal(0.5m, (await first.ReadSpendAsync([new SpendPeriod("caller:alice", Saturday)], cancel))[new SpendPeriod("caller:alice", Saturday)]);
    }

    [Fact]
    public async Task InitializeAsync_FromSeveralInstancesAtOnce_MigratesOnce()
    {
        var cancel = TestContext.Current.CancellationToken;

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Store().InitializeAsync(cancel)));

        Assert.Equal([1, 2], await ColumnAsync<int>("SELECT version FROM llmb_schema ORDER BY version"));
    }

    [Fact]
    public async Task InitializeAsync_WhileAnotherInstanceHoldsTheSchemaLock_WaitsForIt()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var other = new NpgsqlConnection(_connectionString);
        await other.OpenAsync(cancel);
        await using var migrating = await other.BeginTransactionAsync(cancel);
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({PostgreSqlUsageStore.SchemaLockKey})", other, migrating))
        {
            await take.ExecuteNonQueryAsync(cancel);
        }

        var initializing = Store().InitializeAsync(cancel);
        await Task.Delay(TimeSpan.FromMilliseconds(500), cancel);
        Assert.False(initializing.IsCompleted, "InitializeAsync should wait while another instance holds the schema lock.");

        await migrating.CommitAsync(cancel);
        await initializing.WaitAsync(TimeSpan.FromSeconds(30), cancel);
        Assert.Equal([1, 2], await ColumnAsync<int>("SELECT version FROM llmb_schema ORDER BY version"));
    }

    [Fact]
    public async Task QueryAsync_GroupsByCallerRouteBackendModelAndDay_WithExactCosts()
    {
        var cancel = TestContext.Current.CancellationToken;
        var store = await InitializedStoreAsync();
        var lastMomentOfSaturday = new DateTimeOffset(2026, 12, 5, 23, 59, 59, 999, TimeSpan.Zero);
        var sundayInTokyo = new DateTimeOffset(2026, 12, 6, 8, 30, 0, TimeSpan.FromHours(9)); // 2026-12-05 23:30 UTC.
        var sunday = new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);
        await store.AppendAsync(
            [
                Record(Saturday, caller: "alice", route: "fast", backend: "openai", model: "gpt", cost: 0.1m, prompt: 10, completion: 1),
                Record(lastMomentOfSaturday, caller: "alice", route: null, backend: "openai", model: "gpt", cost: 0.2m, prompt: 20, completion: 2),
                Record(sundayInTokyo, caller: "bob", route: "fast", backend: "ollama", model: "llama", cost: null, prompt: 30, completion: 3, outcome: UsageOutcome.Failed),
                Record(sunday, caller: null, route: "cheap", backend: "ollama", model: "llama", cost: 0.000000001m, prompt: 40, completion: 4, outcome: UsageOutcome.Cancelled),
            ],
            Spend(),
            cancel);

        var byCaller = await store.QueryAsync(new UsageQuery { GroupBy = UsageGrouping.Caller }, cancel);
        var alice = byCaller.Single(t => t.Key == "alice");
        Assert.Equal(0.3m, alice.CostUsd);
        Assert.Equal((2L, 0L, 30L, 3L, 0L), (alice.Requests, alice.Failed, alice.PromptTokens, alice.CompletionTokens, alice.UnpricedRequests));
        var bob = byCaller.Single(t => t.Key == "bob");
        Assert.Equal((1L, 1L, 0m, 1L), (bob.Requests, bob.Failed, bob.CostUsd, bob.UnpricedRequests));
        Assert.Equal(0.000000001m, byCaller.Single(t => t.Key == string.Empty).CostUsd);
        Assert.Equal("alice", byCaller[0].Key); // The most expensive first.

        Assert.Equal(
            [("", 1L, 0.2m), ("fast", 2L, 0.1m), ("cheap", 1L, 0.000000001m)],
            (await store.QueryAsync(new UsageQuery { GroupBy = UsageGrouping.Route }, cancel)).Select(t => (t.Key, t.Requests, t.CostUsd)));
        Assert.Equal(
            [("openai", 2L, 0.3m), ("ollama", 2L, 0.000000001m)],
            (await store.QueryAsync(new UsageQuery { GroupBy = UsageGrouping.Backend }, cancel)).Select(t => (t.Key, t.Requests, t.CostUsd)));
        Assert.Equal(
            [("gpt", 60L), ("llama", 140L)],
            (await store.QueryAsync(new UsageQuery { GroupBy = UsageGrouping.Model }, cancel)).Select(t => (t.Key, t.PromptTokens + t.CompletionTokens * 10)));
        Assert.Equal(
            [("2026-12-05", 3L, 0.3m), ("2026-12-06", 1L, 0.000000001m)],
            (await store.QueryAsync(new UsageQuery { GroupBy = UsageGrouping.Day }, cancel)).Select(t => (t.Key, t.Requests, t.CostUsd)));
    }

    [Fact]
    public async Task QueryAsync_WithATimeRangeAndCaller_CountsOnlyThose()
    {
        var cancel = TestContext.Current.CancellationToken;
        var store = await InitializedStoreAsync();
        await store.AppendAsync(
            [
                Record(Saturday.AddHours(-1), caller: "alice", cost: 1m),
                Record(Saturday, caller: "alice", cost: 2m),
                Record(Saturday.AddHours(1), caller: "alice", cost: 4m),
                Record(Saturday, caller: "bob", cost: 8m),
            ],
            Spend(),
            cancel);

        var totals = await store.QueryAsync(new UsageQuery { From = Saturday, To = Saturday.AddHours(1), CallerName = "alice" }, cancel);

        var only = Assert.Single(totals);
        Assert.Equal(("alice", 1L, 2m), (only.Key, only.Requests, only.CostUsd));
    }

    [Fact]
    public async Task AppendAsync_SpendFromTwoInstancesOnOneDatabase_AddsUp()
    {
        var cancel = TestContext.Current.CancellationToken;
        var first = await InitializedStoreAsync();
        var second = Store();
        await second.InitializeAsync(cancel);
        var month = new SpendPeriod("backend:openai", new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        var forever = new SpendPeriod("caller:alice", DateTimeOffset.MinValue);

        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? first : second).AppendAsync(
            [Record(Saturday, caller: "alice", cost: 0.1m)],
            new Dictionary<SpendPeriod, decimal> { [month] = i % 2 == 0 ? 0.1m : 0.2m, [forever] = 0.1m },
            cancel)));

        var unused = new SpendPeriod("route:never", Saturday);
        var seenByFirst = await first.ReadSpendAsync([month, forever, unused], cancel);
        var seenBySecond = await second.ReadSpendAsync([month, forever, unused], cancel);
        Assert.Equal(1.5m, seenByFirst[month]); // 5 × 0.1 + 5 × 0.2, exactly.
        Assert.Equal(1m, seenByFirst[forever]);
        Assert.Equal(0m, seenByFirst[unused]);
        Assert.Equal(seenByFirst, seenBySecond);
        Assert.Equal(10, Assert.Single(await second.QueryAsync(new UsageQuery(), cancel)).Requests);
    }

    [Fact]
    public async Task AppendAsync_ABatchLargerThanOneStatement_WritesEveryRecord()
    {
        var cancel = TestContext.Current.CancellationToken;
        var store = await InitializedStoreAsync();
        var records = Enumerable.Range(0, 77).Select(i => Record(Saturday.AddSeconds(i), caller: i % 2 == 0 ? "alice" : "bob", cost: 0.001m * i, prompt: i)).ToList();

        await store.AppendAsync(records, new Dictionary<SpendPeriod, decimal>(), cancel);

        var totals = (await store.QueryAsync(new UsageQuery(), cancel)).ToDictionary(t => t.Key);
        Assert.Equal(39, totals["alice"].Requests);
        Assert.Equal(38, totals["bob"].Requests);
        Assert.Equal(records.Sum(r => r.CostUsd!.Value), totals.Values.Sum(t => t.CostUsd));
        Assert.Equal(records.Sum(r => r.PromptTokens), totals.Values.Sum(t => t.PromptTokens));
    }

    [Fact]
    public async Task SeedSpendAsync_StartsOnlyPeriodsTheStoreDoesNotHave()
    {
        var cancel = TestContext.Current.CancellationToken;
        var store = await InitializedStoreAsync();
        var started = new SpendPeriod("caller:alice", Saturday);
        var fresh = new SpendPeriod("caller:bob", Saturday);
        await store.AppendAsync([], new Dictionary<SpendPeriod, decimal> { [started] = 2m }, cancel);

        await store.SeedSpendAsync(new Dictionary<SpendPeriod, decimal> { [started] = 50m, [fresh] = 7m }, cancel);
        await store.SeedSpendAsync(new Dictionary<SpendPeriod, decimal> { [fresh] = 9m }, cancel);

        var spent = await store.ReadSpendAsync([started, fresh], cancel);
        Assert.Equal(2m, spent[started]);
        Assert.Equal(7m, spent[fresh]);
    }

    [Fact]
    public async Task DeleteOlderThanAsync_RemovesOnlyOlderRecords_AndKeepsSpend()
    {
        var cancel = TestContext.Current.CancellationToken;
        var store = await InitializedStoreAsync();
        var period = new SpendPeriod("backend:openai", Saturday.AddDays(-100));
        await store.AppendAsync(
            [Record(Saturday.AddDays(-100), cost: 1m), Record(Saturday.AddDays(-91), cost: 2m), Record(Saturday.AddDays(-1), cost: 4m)],
            new Dictionary<SpendPeriod, decimal> { [period] = 7m },
            cancel);

        var deleted = await store.DeleteOlderThanAsync(Saturday.AddDays(-90), cancel);

        Assert.Equal(2, deleted);
        Assert.Equal(4m, Assert.Single(await store.QueryAsync(new UsageQuery(), cancel)).CostUsd);
        Assert.Equal(7m, (await store.ReadSpendAsync([period], cancel))[period]);
        Assert.Equal(0, await store.DeleteOlderThanAsync(Saturday.AddDays(-90), cancel));
    }

    [Fact]
    public async Task AppendAsync_KeepsEveryField_IncludingNulls()
    {
        var cancel = TestContext.Current.CancellationToken;
        var store = await InitializedStoreAsync();
        await store.AppendAsync(
            [
                Record(Saturday, caller: "alice", cost: 0.25m) with { RequestId = "req-1", RequestedModel = "fast", CachedPromptTokens = 5, TokensEstimated = true, TimeToFirstTokenMs = 12, ErrorKind = LlmErrorKind.Timeout },
                Record(Saturday, caller: null, route: null, backend: null, model: null, cost: null),
            ],
            Spend(),
            cancel);

        Assert.Equal(
            ["req-1|alice|fast|5|1|12|250000000|Timeout", "|||0|0||-|"],
            await ColumnAsync<string>(
                "SELECT concat_ws('|', COALESCE(request_id, ''), COALESCE(caller, ''), COALESCE(requested_model, ''), cached_prompt_tokens, tokens_estimated, " +
                "COALESCE(ttft_ms::text, ''), COALESCE(cost_nano_usd::text, '-'), COALESCE(error_kind, '')) FROM llmb_usage ORDER BY id"));
    }

    [Fact]
    public async Task Ledger_WithStorePostgreSql_WritesTheRequestsToTheDatabase()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var host = LlmTestHost.Create(
            s =>
            {
                s.Backends.Add(LlmTestHost.TestBackend("primary"));
                s.Usage.Store = "postgresql"; // Names are matched ignoring case.
                s.Usage.ConnectionString = _connectionString;
            },
            services: services => services.AddLlmBackendPostgreSql());

        await host.Llm.ChatAsync(new ChatRequest { Messages = { new ChatMessage { Content = "hello" } } }, cancel);
        var totals = await host.Services.GetRequiredService<IUsageLedger>().QueryAsync(new UsageQuery { GroupBy = UsageGrouping.Backend }, cancel);

        Assert.Equal(("primary", 1L), (Assert.Single(totals).Key, Assert.Single(totals).Requests));
        Assert.Equal(["primary"], await ColumnAsync<string>("SELECT backend FROM llmb_usage"));
    }

    private static UsageRecord Record(
        DateTimeOffset at,
        string? caller = "alice",
        string? route = "fast",
        string? backend = "openai",
        string? model = "gpt",
        decimal? cost = 0m,
        int prompt = 1,
        int completion = 1,
        UsageOutcome outcome = UsageOutcome.Succeeded) => new()
        {
            Timestamp = at,
            CallerName = caller,
            Operation = "chat",
            Route = route,
            Backend = backend,
            Model = model,
            Attempts = 1,
            PromptTokens = prompt,
            CompletionTokens = completion,
            CostUsd = cost,
            DurationMs = 42,
            Outcome = outcome,
        };

    private static Dictionary<SpendPeriod, decimal> Spend(params (string Scope, DateTimeOffset Start, decimal Amount)[] amounts) =>
        amounts.ToDictionary(a => new SpendPeriod(a.Scope, a.Start), a => a.Amount);

    private PostgreSqlUsageStore Store()
    {
        var store = new PostgreSqlUsageStore(_connectionString);
        _stores.Add(store);
        return store;
    }

    private async Task<PostgreSqlUsageStore> InitializedStoreAsync()
    {
        var store = Store();
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        return store;
    }

    private async Task<List<T>> ColumnAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var values = new List<T>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            values.Add(reader.GetFieldValue<T>(0));
        }

        return values;
    }
}
