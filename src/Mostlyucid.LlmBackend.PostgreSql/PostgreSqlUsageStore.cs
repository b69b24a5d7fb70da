using System.Data.Common;
using System.Globalization;
using Mostlyucid.LlmBackend.Spend;
using Npgsql;

namespace Mostlyucid.LlmBackend.PostgreSql;

/// <summary>
/// The usage ledger and budget spend in a PostgreSQL database that several instances share: each adds its spend to the
/// same rows with an upsert and reads what all of them spent. The first instance to start creates the schema; an
/// advisory lock keeps instances starting together from migrating it twice.
/// </summary>
internal sealed class PostgreSqlUsageStore : SqlUsageStore, IAsyncDisposable, IDisposable
{
    /// <summary>The advisory lock held while the schema is migrated: "llmb_sch" in ASCII.</summary>
    internal const long SchemaLockKey = 0x6C6C_6D62_5F73_6368;

    private static readonly IReadOnlyList<IReadOnlyList<string>> Schema = new[]
    {
        new[]
        {
            "CREATE TABLE IF NOT EXISTS llmb_usage (id BIGSERIAL PRIMARY KEY, ts BIGINT NOT NULL, request_id TEXT, caller TEXT, operation TEXT NOT NULL, " +
            "requested_model TEXT, route TEXT, backend TEXT, model TEXT, attempts INTEGER NOT NULL, prompt_tokens INTEGER NOT NULL, cached_prompt_tokens INTEGER NOT NULL, " +
            "completion_tokens INTEGER NOT NULL, cost_nano_usd BIGINT, tokens_estimated INTEGER NOT NULL, duration_ms BIGINT NOT NULL, ttft_ms BIGINT, " +
            "outcome TEXT NOT NULL, error_kind TEXT)",
            "CREATE INDEX IF NOT EXISTS ix_llmb_usage_ts ON llmb_usage (ts)",
            "CREATE TABLE IF NOT EXISTS llmb_spend (scope TEXT NOT NULL, period_start BIGINT NOT NULL, spent_nano_usd BIGINT NOT NULL, PRIMARY KEY (scope, period_start))",
        },
        new[]
        {
            // Version 2: whether the response cache answered the request (docs/caching.md).
            "ALTER TABLE llmb_usage ADD COLUMN cache_hit INTEGER NOT NULL DEFAULT 0",
        },
    };

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Creates the store and its connection pool (no connection is opened yet).</summary>
    /// <param name="connectionString">A PostgreSQL connection string (a secret: it may hold the password).</param>
    public PostgreSqlUsageStore(string connectionString)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    protected override IReadOnlyList<IReadOnlyList<string>> Migrations => Schema;

    /// <summary>Closes the pool's connections.</summary>
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    /// <summary>Closes the pool's connections.</summary>
    public void Dispose() => _dataSource.Dispose();

    protected override DbConnection CreateConnection() => _dataSource.CreateConnection();

    protected override string DayOf(string millisecondsColumn) =>
        $"to_char(to_timestamp({millisecondsColumn} / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')";

    protected override async Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        // Released when the migration's transaction ends; a second instance waits here, then finds the schema current.
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT pg_advisory_xact_lock({SchemaLockKey.ToString(CultureInfo.InvariantCulture)})";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
