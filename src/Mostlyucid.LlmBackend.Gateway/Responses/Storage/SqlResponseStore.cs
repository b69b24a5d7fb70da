using System.Data.Common;
using System.Globalization;
using Mostlyucid.LlmBackend.Spend;

namespace Mostlyucid.LlmBackend.Gateway.Responses.Storage;

/// <summary>
/// Stored responses in the usage ledger's database (SQLite or PostgreSQL; the SQL is the same for both): one row per
/// response in <c>llmb_responses</c> and one per referable item in <c>llmb_response_items</c>, both keyed by the owning
/// key's name first, so every read is scoped to its owner. Times are Unix milliseconds. The tables are created on first
/// use; rows past the retention time are not read and are deleted now and then as responses are stored.
/// </summary>
internal abstract class SqlResponseStore : IResponseStore
{
    private static readonly string[] Schema =
    {
        "CREATE TABLE IF NOT EXISTS llmb_responses (owner TEXT NOT NULL, id TEXT NOT NULL, created_ms BIGINT NOT NULL, response TEXT NOT NULL, input TEXT NOT NULL, PRIMARY KEY (owner, id))",
        "CREATE INDEX IF NOT EXISTS ix_llmb_responses_created ON llmb_responses (created_ms)",
        "CREATE TABLE IF NOT EXISTS llmb_response_items (owner TEXT NOT NULL, id TEXT NOT NULL, response_id TEXT NOT NULL, created_ms BIGINT NOT NULL, item TEXT NOT NULL, PRIMARY KEY (owner, id))",
        "CREATE INDEX IF NOT EXISTS ix_llmb_response_items_response ON llmb_response_items (owner, response_id)",
        "CREATE INDEX IF NOT EXISTS ix_llmb_response_items_created ON llmb_response_items (created_ms)",
    };

    private static readonly TimeSpan PurgeInterval = TimeSpan.FromMinutes(10);
    private readonly TimeProvider _time;
    private readonly TimeSpan _retention;
    private Task? _schema;
    private long _nextPurgeMs;

    /// <summary>Creates the store.</summary>
    /// <param name="time">The clock retention is measured by.</param>
    /// <param name="retention">How long a response is kept.</param>
    protected SqlResponseStore(TimeProvider time, TimeSpan retention)
    {
        _time = time;
        _retention = retention;
    }

    /// <inheritdoc/>
    public async Task SaveAsync(StoredResponse response, CancellationToken cancellationToken)
    {
        var created = response.CreatedAt.ToUnixTimeMilliseconds();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = SqlCommands.Create(connection, transaction, "INSERT INTO llmb_responses (owner, id, created_ms, response, input) VALUES (@owner, @id, @created, @response, @input)"))
        {
            SqlCommands.Set(insert, "@owner", response.Owner);
            SqlCommands.Set(insert, "@id", response.Id);
            SqlCommands.Set(insert, "@created", created);
            SqlCommands.Set(insert, "@response", response.ResponseJson);
            SqlCommands.Set(insert, "@input", response.InputJson);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var item = SqlCommands.Create(
            connection,
            transaction,
            "INSERT INTO llmb_response_items (owner, id, response_id, created_ms, item) VALUES (@owner, @id, @response, @created, @item) " +
            "ON CONFLICT (owner, id) DO UPDATE SET response_id = excluded.response_id, created_ms = excluded.created_ms, item = excluded.item"))
        {
            foreach (var stored in response.Items)
            {
                SqlCommands.Set(item, "@owner", response.Owner);
                SqlCommands.Set(item, "@id", stored.Id);
                SqlCommands.Set(item, "@response", response.Id);
                SqlCommands.Set(item, "@created", created);
                SqlCommands.Set(item, "@item", stored.Json);
                await item.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (now >= Interlocked.Read(ref _nextPurgeMs))
        {
            Interlocked.Exchange(ref _nextPurgeMs, now + (long)PurgeInterval.TotalMilliseconds);
            foreach (var table in new[] { "llmb_responses", "llmb_response_items" })
            {
                await using var purge = SqlCommands.Create(connection, transaction, $"DELETE FROM {table} WHERE created_ms <= @cutoff");
                SqlCommands.Set(purge, "@cutoff", Cutoff());
                await purge.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<StoredResponse?> GetAsync(string owner, string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var select = SqlCommands.Create(connection, null, "SELECT created_ms, response, input FROM llmb_responses WHERE owner = @owner AND id = @id AND created_ms > @cutoff");
        SqlCommands.Set(select, "@owner", owner);
        SqlCommands.Set(select, "@id", id);
        SqlCommands.Set(select, "@cutoff", Cutoff());
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var created = DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture));
        return new StoredResponse(id, owner, created, reader.GetString(1), reader.GetString(2), Array.Empty<StoredItem>());
    }

    /// <inheritdoc/>
    public async Task<string?> FindItemAsync(string owner, string itemId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var select = SqlCommands.Create(connection, null, "SELECT item FROM llmb_response_items WHERE owner = @owner AND id = @id AND created_ms > @cutoff");
        SqlCommands.Set(select, "@owner", owner);
        SqlCommands.Set(select, "@id", itemId);
        SqlCommands.Set(select, "@cutoff", Cutoff());
        return await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteAsync(string owner, string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var items = SqlCommands.Create(connection, transaction, "DELETE FROM llmb_response_items WHERE owner = @owner AND response_id = @id"))
        {
            SqlCommands.Set(items, "@owner", owner);
            SqlCommands.Set(items, "@id", id);
            await items.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        int deleted;
        await using (var response = SqlCommands.Create(connection, transaction, "DELETE FROM llmb_responses WHERE owner = @owner AND id = @id AND created_ms > @cutoff"))
        {
            SqlCommands.Set(response, "@owner", owner);
            SqlCommands.Set(response, "@id", id);
            SqlCommands.Set(response, "@cutoff", Cutoff());
            deleted = await response.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted > 0;
    }

    /// <summary>Creates a connection to the database (not yet open).</summary>
    protected abstract DbConnection CreateConnection();

    /// <summary>Runs just after a connection opens (per-connection settings); nothing by default.</summary>
    protected virtual Task OnOpenedAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Keeps other instances from creating the schema at the same time, inside its transaction; nothing by default.</summary>
    protected virtual Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    private long Cutoff() => (_time.GetUtcNow() - _retention).ToUnixTimeMilliseconds();

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await OnOpenedAsync(connection, cancellationToken).ConfigureAwait(false);
            await EnsureSchemaAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates the tables once (again after a failed try); two racing tries are harmless, every statement is idempotent.</summary>
    private Task EnsureSchemaAsync()
    {
        var current = Volatile.Read(ref _schema);
        if (current is { IsFaulted: false, IsCanceled: false })
        {
            return current;
        }

        var created = CreateSchemaAsync();
        return Interlocked.CompareExchange(ref _schema, created, current) == current ? created : Volatile.Read(ref _schema)!;
    }

    private async Task CreateSchemaAsync()
    {
        await using var connection = CreateConnection();
        await connection.OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await OnOpenedAsync(connection, CancellationToken.None).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None).ConfigureAwait(false);
        await LockSchemaAsync(connection, transaction, CancellationToken.None).ConfigureAwait(false);
        foreach (var statement in Schema)
        {
            await using var command = SqlCommands.Create(connection, transaction, statement);
            await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }

        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
    }
}
