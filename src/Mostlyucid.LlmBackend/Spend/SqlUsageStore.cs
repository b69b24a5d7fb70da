using System.Data;
using System.Data.Common;
using System.Globalization;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Spend;

/// <summary>
/// A usage store on an ADO.NET database. The SQL is the same for SQLite and PostgreSQL: times are Unix milliseconds and
/// money is whole nano-dollars (so sums are exact), in two tables — <c>llmb_usage</c> (one row per request) and
/// <c>llmb_spend</c> (one row per budget period, added to with an upsert, so several instances add to the same row). A
/// store for another database derives from this and says how to connect, which schema to create and how to group by day.
/// </summary>
public abstract class SqlUsageStore : IUsageStore
{
    /// <summary>How many nano-dollars make a dollar.</summary>
    protected const decimal NanosPerDollar = 1_000_000_000m;

    /// <summary>The columns of <c>llmb_usage</c> a record fills, in the order <see cref="Fill"/> sets them.</summary>
    private static readonly string[] UsageColumns =
    {
        "ts", "request_id", "caller", "operation", "requested_model", "route", "backend", "model", "attempts", "prompt_tokens",
        "cached_prompt_tokens", "completion_tokens", "cost_nano_usd", "tokens_estimated", "duration_ms", "ttft_ms", "outcome", "error_kind",
        "cache_hit",
    };

    private const string AddSpend =
        "INSERT INTO llmb_spend (scope, period_start, spent_nano_usd) VALUES (@scope, @period_start, @amount) " +
        "ON CONFLICT (scope, period_start) DO UPDATE SET spent_nano_usd = llmb_spend.spent_nano_usd + excluded.spent_nano_usd";

    private const string SeedSpend =
        "INSERT INTO llmb_spend (scope, period_start, spent_nano_usd) VALUES (@scope, @period_start, @amount) " +
        "ON CONFLICT (scope, period_start) DO NOTHING";

    /// <summary>
    /// Gets how many records one INSERT of <see cref="InsertRecordsAsync"/> carries: several cut round trips to a database
    /// server. (An embedded engine whose parameter lookup grows with the statement, as SQLite's does, is fastest with one
    /// row per statement; the SQLite store binds by position instead.)
    /// </summary>
    /// <value>The default is 32.</value>
    protected virtual int RowsPerInsert => 32;

    /// <summary>Gets the statements that create each schema version, in order: index 0 makes version 1.</summary>
    protected abstract IReadOnlyList<IReadOnlyList<string>> Migrations { get; }

    /// <inheritdoc/>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockSchemaAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS llmb_schema (version INTEGER NOT NULL)", cancellationToken).ConfigureAwait(false);
        var current = Convert.ToInt32(await ScalarAsync(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM llmb_schema", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        for (var version = current; version < Migrations.Count; version++)
        {
            foreach (var statement in Migrations[version])
            {
                await ExecuteAsync(connection, transaction, statement, cancellationToken).ConfigureAwait(false);
            }

            await ExecuteAsync(connection, transaction, $"INSERT INTO llmb_schema (version) VALUES ({(version + 1).ToString(CultureInfo.InvariantCulture)})", cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task AppendAsync(IReadOnlyList<UsageRecord> records, IReadOnlyDictionary<SpendPeriod, decimal> spend, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(spend);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await InsertRecordsAsync(connection, transaction, records, cancellationToken).ConfigureAwait(false);

        if (spend.Count > 0)
        {
            await using var add = SqlCommands.Create(connection, transaction, AddSpend);
            foreach (var (period, amount) in spend)
            {
                SqlCommands.Set(add, "@scope", period.Scope);
                SqlCommands.Set(add, "@period_start", period.Start.ToUnixTimeMilliseconds());
                SqlCommands.Set(add, "@amount", Nanos(amount));
                await add.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Inserts the records into <c>llmb_usage</c>, inside the append's transaction. This one runs a prepared INSERT of
    /// <see cref="RowsPerInsert"/> rows, its parameters by ADO.NET; a store whose driver offers something cheaper per row
    /// overrides it.
    /// </summary>
    /// <param name="connection">The open connection.</param>
    /// <param name="transaction">The append's transaction.</param>
    /// <param name="records">The records, in order.</param>
    /// <param name="cancellationToken">Cancels the insert.</param>
    /// <returns>A task that completes when every record is inserted.</returns>
    protected virtual async Task InsertRecordsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        var perInsert = Math.Max(1, RowsPerInsert);
        DbCommand? full = null;
        try
        {
            for (var first = 0; first < records.Count;)
            {
                var rows = Math.Min(perInsert, records.Count - first);
                var insert = rows == perInsert ? full ??= InsertCommand(connection, transaction, rows) : InsertCommand(connection, transaction, rows);
                try
                {
                    for (var row = 0; row < rows; row++)
                    {
                        Fill(insert.Parameters, row, records[first + row]);
                    }

                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    if (!ReferenceEquals(insert, full))
                    {
                        await insert.DisposeAsync().ConfigureAwait(false);
                    }
                }

                first += rows;
            }
        }
        finally
        {
            if (full is not null)
            {
                await full.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc/>
    public async Task SeedSpendAsync(IReadOnlyDictionary<SpendPeriod, decimal> spend, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spend);
        if (spend.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var seed = SqlCommands.Create(connection, transaction, SeedSpend);
        foreach (var (period, amount) in spend)
        {
            SqlCommands.Set(seed, "@scope", period.Scope);
            SqlCommands.Set(seed, "@period_start", period.Start.ToUnixTimeMilliseconds());
            SqlCommands.Set(seed, "@amount", Nanos(amount));
            await seed.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<SpendPeriod, decimal>> ReadSpendAsync(IReadOnlyCollection<SpendPeriod> periods, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(periods);
        var spent = new Dictionary<SpendPeriod, decimal>();
        if (periods.Count == 0)
        {
            return spent;
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var read = SqlCommands.Create(connection, null, "SELECT spent_nano_usd FROM llmb_spend WHERE scope = @scope AND period_start = @period_start");
        foreach (var period in periods.Distinct())
        {
            SqlCommands.Set(read, "@scope", period.Scope);
            SqlCommands.Set(read, "@period_start", period.Start.ToUnixTimeMilliseconds());
            var value = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            spent[period] = value is null or DBNull ? 0m : Convert.ToDecimal(value, CultureInfo.InvariantCulture) / NanosPerDollar;
        }

        return spent;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<UsageTotal>> QueryAsync(UsageQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var group = query.GroupBy switch
        {
            UsageGrouping.Caller => "COALESCE(caller, '')",
            UsageGrouping.Route => "COALESCE(route, '')",
            UsageGrouping.Backend => "COALESCE(backend, '')",
            UsageGrouping.Model => "COALESCE(model, '')",
            _ => DayOf("ts"),
        };
        var sql =
            $"SELECT {group} AS grouped, COUNT(*), SUM(CASE WHEN outcome <> 'Succeeded' THEN 1 ELSE 0 END), SUM(prompt_tokens), SUM(completion_tokens), " +
            "COALESCE(SUM(cost_nano_usd), 0), SUM(CASE WHEN cost_nano_usd IS NULL THEN 1 ELSE 0 END), SUM(cache_hit) " +
            "FROM llmb_usage WHERE ts >= @from AND ts < @to" + (query.CallerName is null ? string.Empty : " AND caller = @caller") +
            $" GROUP BY {group} ORDER BY 6 DESC, 1";
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = SqlCommands.Create(connection, null, sql);
        SqlCommands.Set(command, "@from", Millis(query.From));
        SqlCommands.Set(command, "@to", Millis(query.To));
        if (query.CallerName is { } caller)
        {
            SqlCommands.Set(command, "@caller", caller);
        }

        var totals = new List<UsageTotal>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            totals.Add(new UsageTotal
            {
                Key = reader.IsDBNull(0) ? string.Empty : Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture) ?? string.Empty,
                Requests = Long(reader, 1),
                Failed = Long(reader, 2),
                PromptTokens = Long(reader, 3),
                CompletionTokens = Long(reader, 4),
                CostUsd = (reader.IsDBNull(5) ? 0m : Convert.ToDecimal(reader.GetValue(5), CultureInfo.InvariantCulture)) / NanosPerDollar,
                UnpricedRequests = Long(reader, 6),
                CacheHits = Long(reader, 7),
            });
        }

        return totals;
    }

    /// <inheritdoc/>
    public async Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var delete = SqlCommands.Create(connection, null, "DELETE FROM llmb_usage WHERE ts < @cutoff");
        SqlCommands.Set(delete, "@cutoff", cutoff.ToUnixTimeMilliseconds());
        return await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates a connection (not yet open).</summary>
    protected abstract DbConnection CreateConnection();

    /// <summary>The SQL for a Unix-milliseconds column as its UTC day, <c>yyyy-MM-dd</c>.</summary>
    protected abstract string DayOf(string millisecondsColumn);

    /// <summary>Runs once on every new connection, after it opens (for example to set pragmas).</summary>
    protected virtual Task OnOpenedAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Keeps other instances from migrating the schema at the same time (inside the migration's transaction).</summary>
    protected virtual Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Dollars as whole nano-dollars, as the tables keep money.</summary>
    /// <param name="dollars">The amount in US dollars.</param>
    /// <returns>The amount in nano-dollars, rounded half away from zero.</returns>
    protected static long Nanos(decimal dollars) => (long)decimal.Round(dollars * NanosPerDollar, MidpointRounding.AwayFromZero);

    private static long Millis(DateTimeOffset at) =>
        at == DateTimeOffset.MinValue ? long.MinValue : at == DateTimeOffset.MaxValue ? long.MaxValue : at.ToUnixTimeMilliseconds();

    private static long Long(DbDataReader reader, int column) =>
        reader.IsDBNull(column) ? 0 : Convert.ToInt64(reader.GetValue(column), CultureInfo.InvariantCulture);

    private static string InsertSql(int rows)
    {
        var sql = new System.Text.StringBuilder("INSERT INTO llmb_usage (").AppendJoin(", ", UsageColumns).Append(") VALUES ");
        for (var row = 0; row < rows; row++)
        {
            sql.Append(row == 0 ? "(" : ", (");
            for (var column = 0; column < UsageColumns.Length; column++)
            {
                sql.Append(column == 0 ? "@" : ", @").Append(UsageColumns[column]).Append('_').Append(row.ToString(CultureInfo.InvariantCulture));
            }

            sql.Append(')');
        }

        return sql.ToString();
    }

    /// <summary>An INSERT of <paramref name="rows"/> records, its parameters made in <see cref="UsageColumns"/> order per row.</summary>
    private static DbCommand InsertCommand(DbConnection connection, DbTransaction transaction, int rows)
    {
        var insert = SqlCommands.Create(connection, transaction, InsertSql(rows));
        for (var row = 0; row < rows; row++)
        {
            foreach (var column in UsageColumns)
            {
                var parameter = insert.CreateParameter();
                parameter.ParameterName = "@" + column + "_" + row.ToString(CultureInfo.InvariantCulture);
                insert.Parameters.Add(parameter);
            }
        }

        return insert;
    }

    /// <summary>Sets one row's parameters (by position: looking 500 parameters up by name would cost more than the insert).</summary>
    private static void Fill(DbParameterCollection parameters, int row, UsageRecord record)
    {
        var at = row * UsageColumns.Length;
        Value(parameters[at], record.Timestamp.ToUnixTimeMilliseconds());
        Text(parameters[at + 1], record.RequestId);
        Text(parameters[at + 2], record.CallerName);
        Text(parameters[at + 3], record.Operation);
        Text(parameters[at + 4], record.RequestedModel);
        Text(parameters[at + 5], record.Route);
        Text(parameters[at + 6], record.Backend);
        Text(parameters[at + 7], record.Model);
        Value(parameters[at + 8], record.Attempts);
        Value(parameters[at + 9], record.PromptTokens);
        Value(parameters[at + 10], record.CachedPromptTokens);
        Value(parameters[at + 11], record.CompletionTokens);
        Number(parameters[at + 12], record.CostUsd is { } cost ? Nanos(cost) : null);
        Value(parameters[at + 13], record.TokensEstimated ? 1 : 0);
        Value(parameters[at + 14], record.DurationMs);
        Number(parameters[at + 15], record.TimeToFirstTokenMs);
        Text(parameters[at + 16], record.Outcome.ToString());
        Text(parameters[at + 17], record.ErrorKind?.ToString());
        Value(parameters[at + 18], record.CacheHit ? 1 : 0);
    }

    private static void Value(DbParameter parameter, object value) => parameter.Value = value;

    private static void Text(DbParameter parameter, string? value)
    {
        parameter.DbType = DbType.String;
        parameter.Value = (object?)value ?? DBNull.Value;
    }

    private static void Number(DbParameter parameter, long? value)
    {
        parameter.DbType = DbType.Int64;
        parameter.Value = value is { } number ? number : DBNull.Value;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = SqlCommands.Create(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = SqlCommands.Create(connection, transaction, sql);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await OnOpenedAsync(connection, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
