using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Spend;

namespace Mostlyucid.LlmBackend.Benchmarks;

/// <summary>
/// What the spend stages add to a request on its path through the library: the same chat (and stream) with the usage
/// ledger off, on with the in-memory store, and on with SQLite (the gateway's default) — each "on" case with a priced
/// backend, a backend budget and a caller budget, so pricing, the budget checks, the record and the charges all run.
/// The store's writes happen on the ledger's own loop, off the request path.
/// </summary>
[MemoryDiagnoser]
public class UsageLedgerBenchmarks
{
    private GatewayFixture _fixture = null!;
    private ChatRequest _request = null!;
    private DirectoryInfo? _folder;

    /// <summary>Gets or sets the ledger: <c>Off</c>, <c>Memory</c> or <c>Sqlite</c>.</summary>
    [Params("Off", "Memory", "Sqlite")]
    public string Ledger { get; set; } = "Off";

    [GlobalSetup]
    public void Setup()
    {
        _folder = Ledger == "Sqlite" ? Directory.CreateTempSubdirectory("llmb-bench-ledger-") : null;
        _fixture = new GatewayFixture(
            streamChunks: 10,
            settings =>
            {
                settings.Usage.Enabled = Ledger != "Off";
                settings.Usage.Store = Ledger == "Sqlite" ? "Sqlite" : UsageSettings.MemoryStore;
                settings.Usage.ConnectionString = _folder is null ? null : Path.Combine(_folder.FullName, "usage.db");
                var backend = settings.Backends[0];
                backend.CostPerMillionInputTokens = 0.15m;
                backend.CostPerMillionOutputTokens = 0.6m;
                if (settings.Usage.Enabled)
                {
                    backend.MaxSpendUsd = 1_000_000m;
                }
            },
            services => services.AddLlmBackendSqlite());
        if (Ledger != "Off")
        {
            _fixture.Services.GetRequiredService<BudgetBook>().Add(new Budget(BudgetScopes.Caller("bench"), "bench", 1_000_000m, SpendResetPeriod.Monthly, DayOfWeek.Monday, 1, LogExceeded: false));
        }

        _request = new ChatRequest { Model = "up0", Messages = { new ChatMessage { Role = ChatRole.User, Content = "Say hello." } } };
        Chat().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _fixture.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder?.Delete(recursive: true);
    }

    /// <summary><c>ILlmService.ChatAsync</c> as a gateway key's caller.</summary>
    [Benchmark]
    public async Task<bool> Chat()
    {
        using var caller = LlmCallContext.Begin(new LlmCallContext { CallerName = "bench" });
        return (await _fixture.Llm.ChatAsync(_request).ConfigureAwait(false)).Success;
    }

    /// <summary><c>ILlmService.StreamChatAsync</c> (ten chunks and the usage) as a gateway key's caller.</summary>
    [Benchmark]
    public async Task<int> Stream()
    {
        using var caller = LlmCallContext.Begin(new LlmCallContext { CallerName = "bench" });
        var updates = 0;
        await foreach (var update in _fixture.Llm.StreamChatAsync(_request).ConfigureAwait(false))
        {
            updates++;
        }

        return updates;
    }
}
