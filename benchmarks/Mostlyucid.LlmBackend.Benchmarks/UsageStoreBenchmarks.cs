using BenchmarkDotNet.Attributes;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Spend;

namespace Mostlyucid.LlmBackend.Benchmarks;

/// <summary>
/// The usage ledger's writer alone: what a store costs per record when the ledger hands it a full batch (500 records and
/// their spend), per record — the work the ledger's thread does beside the requests.
/// </summary>
[MemoryDiagnoser]
public class UsageStoreBenchmarks
{
    private const int Batch = 500;
    private IUsageStore _store = null!;
    private UsageRecord[] _records = null!;
    private Dictionary<SpendPeriod, decimal> _spend = null!;
    private DirectoryInfo? _folder;

    /// <summary>Gets or sets the store: <c>Memory</c> or <c>Sqlite</c>.</summary>
    [Params("Memory", "Sqlite")]
    public string Store { get; set; } = "Memory";

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("llmb-bench-store-");
        var settings = new UsageSettings { Store = Store, ConnectionString = Path.Combine(_folder.FullName, "usage.db") };
        var providers = new List<IUsageStoreProvider> { new Sqlite.SqliteUsageStoreProvider() };
        _store = UsageStores.Create(settings, providers, _folder.FullName);
        _store.InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();
        var now = DateTimeOffset.UtcNow;
        _records = Enumerable.Range(0, Batch).Select(i => new UsageRecord
        {
            Timestamp = now,
            RequestId = "req_" + i,
            CallerName = "team-a",
            Operation = "chat",
            RequestedModel = "gpt-4o-mini",
            Backend = "openai",
            Model = "gpt-4o-mini-2024-07-18",
            Attempts = 1,
            PromptTokens = 120,
            CompletionTokens = 80,
            CostUsd = 0.0000661m,
            DurationMs = 420,
            TimeToFirstTokenMs = 180,
            Outcome = UsageOutcome.Succeeded,
        }).ToArray();
        _spend = new Dictionary<SpendPeriod, decimal> { [new SpendPeriod("caller:team-a", new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero))] = 0.03m };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        (_store as IDisposable)?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder?.Delete(recursive: true);
    }

    /// <summary>One batch of 500 records and its spend, reported per record.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public Task AppendPerRecord() => _store.AppendAsync(_records, _spend, CancellationToken.None);
}
