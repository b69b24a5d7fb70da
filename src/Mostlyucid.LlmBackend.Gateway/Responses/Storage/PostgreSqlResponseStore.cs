using System.Data.Common;
using Npgsql;

namespace Mostlyucid.LlmBackend.Gateway.Responses.Storage;

/// <summary>
/// Stored responses in the PostgreSQL database of the usage ledger (<c>LlmSettings:Usage:Store</c> <c>PostgreSql</c>):
/// every gateway instance sharing that database sees the responses the others stored. An advisory lock keeps instances
/// starting together from creating the tables twice.
/// </summary>
internal sealed class PostgreSqlResponseStore : SqlResponseStore, IAsyncDisposable, IDisposable
{
    /// <summary>The advisory lock held while the tables are created: "llmb_rsp" in ASCII.</summary>
    private const long SchemaLockKey = 0x6C6C_6D62_5F72_7370;

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Creates the store and its connection pool (no connection is opened yet).</summary>
    /// <param name="connectionString">The ledger's PostgreSQL connection string (a secret: it may hold the password).</param>
    /// <param name="time">The clock retention is measured by.</param>
    /// <param name="retention">How long a response is kept.</param>
    public PostgreSqlResponseStore(string connectionString, TimeProvider time, TimeSpan retention)
        : base(time, retention)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    /// <summary>Closes the pool's connections.</summary>
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    /// <summary>Closes the pool's connections.</summary>
    public void Dispose() => _dataSource.Dispose();

    /// <inheritdoc/>
    protected override DbConnection CreateConnection() => _dataSource.CreateConnection();

    /// <inheritdoc/>
    protected override async Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT pg_advisory_xact_lock(" + SchemaLockKey.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
