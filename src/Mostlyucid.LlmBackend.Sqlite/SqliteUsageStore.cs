using System.Data.Common;
using Microsoft.Data.Sqlite;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Spend;
using SQLitePCL;

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
        new[]
        {
            // Version 2: whether the response cache answered the request (docs/caching.md).
            "ALTER TABLE llmb_usage ADD COLUMN cache_hit INTEGER NOT NULL DEFAULT 0",
        },
    };

    /// <summary>One record's row; its parameters are bound by position, in this order.</summary>
    private const string InsertRow =
        "INSERT INTO llmb_usage (ts, request_id, caller, operation, requested_model, route, backend, model, attempts, prompt_tokens, " +
        "cached_prompt_tokens, completion_tokens, cost_nano_usd, tokens_estimated, duration_ms, ttft_ms, outcome, error_kind, cache_hit) " +
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)";

    private const string PerConnection = "PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;";

    private readonly string _connectionString;
    private int _walSet;

    public SqliteUsageStore(string connectionString)
    {
        _connectionString = connectionString;
    }

    protected override IReadOnlyList<IReadOnlyList<string>> Migrations => Schema;

    protected override DbConnection CreateConnection() => new SqliteConnection(_connectionString);

    protected override string DayOf(string millisecondsColumn) => $"strftime('%Y-%m-%d', {millisecondsColumn} / 1000, 'unixepoch')";

    protected override async Task OnOpenedAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // WAL is kept in the file, so the first connection sets it for every later one; the others are per connection
        // (and a pooled connection keeps them, but cannot be told from a new one).
        await using var command = connection.CreateCommand();
        command.CommandText = Interlocked.Exchange(ref _walSet, 1) == 0 ? "PRAGMA journal_mode = WAL; " + PerConnection : PerConnection;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One statement prepared per batch and bound by position through SQLite's own API: ADO.NET's parameters cost
    /// a name lookup (and a UTF-8 copy of the name) per value, which was most of a record's cost (UsageStoreBenchmarks).
    /// </summary>
    protected override Task InsertRecordsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var db = ((SqliteConnection)connection).Handle!;
        Check(raw.sqlite3_prepare_v2(db, InsertRow, out var statement), db);
        using (statement)
        {
            foreach (var record in records)
            {
                Bind(statement, record);
                var result = raw.sqlite3_step(statement);
                raw.sqlite3_reset(statement);
                if (result != raw.SQLITE_DONE)
                {
                    Check(result, db);
                }
            }
        }

        return Task.CompletedTask;
    }

    private static void Bind(sqlite3_stmt statement, UsageRecord record)
    {
        raw.sqlite3_bind_int64(statement, 1, record.Timestamp.ToUnixTimeMilliseconds());
        Text(statement, 2, record.RequestId);
        Text(statement, 3, record.CallerName);
        Text(statement, 4, record.Operation);
        Text(statement, 5, record.RequestedModel);
        Text(statement, 6, record.Route);
        Text(statement, 7, record.Backend);
        Text(statement, 8, record.Model);
        raw.sqlite3_bind_int64(statement, 9, record.Attempts);
        raw.sqlite3_bind_int64(statement, 10, record.PromptTokens);
        raw.sqlite3_bind_int64(statement, 11, record.CachedPromptTokens);
        raw.sqlite3_bind_int64(statement, 12, record.CompletionTokens);
        Number(statement, 13, record.CostUsd is { } cost ? Nanos(cost) : null);
        raw.sqlite3_bind_int64(statement, 14, record.TokensEstimated ? 1 : 0);
        raw.sqlite3_bind_int64(statement, 15, record.DurationMs);
        Number(statement, 16, record.TimeToFirstTokenMs);
        Text(statement, 17, record.Outcome.ToString());
        Text(statement, 18, record.ErrorKind?.ToString());
        raw.sqlite3_bind_int64(statement, 19, record.CacheHit ? 1 : 0);
    }

    private static void Text(sqlite3_stmt statement, int index, string? value)
    {
        if (value is null)
        {
            raw.sqlite3_bind_null(statement, index);
        }
        else
        {
            raw.sqlite3_bind_text(statement, index, value);
        }
    }

    private static void Number(sqlite3_stmt statement, int index, long? value)
    {
        if (value is { } number)
        {
            raw.sqlite3_bind_int64(statement, index, number);
        }
        else
        {
            raw.sqlite3_bind_null(statement, index);
        }
    }

    private static void Check(int result, sqlite3 db)
    {
        if (result is not (raw.SQLITE_OK or raw.SQLITE_DONE))
        {
            SqliteException.ThrowExceptionForRC(result, db);
        }
    }
}
