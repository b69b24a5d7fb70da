using System.Data.Common;
using Microsoft.Data.Sqlite;
using Mostlyucid.LlmBackend.Spend;

namespace Mostlyucid.LlmBackend.Sqlite;

/// <summary>
/// The usage ledger and budget spend in a SQLite file, in write-ahead-log mode so reads (queries, budget refreshes) do
/// not wait for the ledger's writes. One process writes it; for several instances use PostgreSQL.
/// </summary>
internal sealed class SqliteUsageStore : SqlUsageStore
{
    private static readonly IReadOnlyList<IReadOnlyList<string>> Schema = new[]
    {
        new[]
        {
            "CREATE TABLE IF NOT EXISTS llmb_usage (id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, request_id TEXT, caller TEXT, operation TEXT NOT NULL, " +
            "requested_model TEXT, route TEXT, backend TEXT, model TEXT, attempts INTEGER NOT NULL, prompt_tokens INTEGER NOT NULL, cached_prompt_tokens INTEGER NOT NULL, " +
            "completion_tokens INTEGER NOT NULL, cost_nano_usd INTEGER, tokens_estimated INTEGER NOT NULL, duration_ms INTEGER NOT NULL, ttft_ms INTEGER, " +
            "outcome TEXT NOT NULL, error_kind TEXT)",
            "CREATE INDEX IF NOT EXISTS ix_llmb_usage_ts ON llmb_usage (ts)",
            "CREATE TABLE IF NOT EXISTS llmb_spend (scope TEXT NOT NULL, period_start INTEGER NOT NULL, spent_nano_usd INTEGER NOT NULL, PRIMARY KEY (scope, period_start))",
        },
    };

    private readonly string _connectionString;

    public SqliteUsageStore(string connectionString)
    {
        _connectionString = connectionString;
    }

    protected override IReadOnlyList<IReadOnlyList<string>> Migrations => Schema;

    // SQLite finds each named parameter by a scan of the statement's names, so a many-row INSERT costs more per row than
    // one prepared single-row INSERT run again (measured: UsageStoreBenchmarks).
    protected override int RowsPerInsert => 1;

    protected override DbConnection CreateConnection() => new SqliteConnection(_connectionString);

    protected override string DayOf(string millisecondsColumn) => $"strftime('%Y-%m-%d', {millisecondsColumn} / 1000, 'unixepoch')";

    protected override async Task OnOpenedAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
