using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Mostlyucid.LlmBackend.Gateway.Responses.Storage;

/// <summary>Stored responses in the SQLite file of the usage ledger (<c>LlmSettings:Usage:Store</c> <c>Sqlite</c>).</summary>
internal sealed class SqliteResponseStore : SqlResponseStore
{
    /// <summary>The ledger's file when <c>LlmSettings:Usage:ConnectionString</c> is not set (as the SQLite usage store has it).</summary>
    public const string DefaultFile = "data/llmb-usage.db";

    private readonly string _connectionString;

    /// <summary>Creates the store for the ledger's file.</summary>
    /// <param name="connectionString">The ledger's setting: a path (relative to the content root) or a SQLite connection string.</param>
    /// <param name="contentRoot">The folder relative paths are resolved from.</param>
    /// <param name="time">The clock retention is measured by.</param>
    /// <param name="retention">How long a response is kept.</param>
    public SqliteResponseStore(string? connectionString, string contentRoot, TimeProvider time, TimeSpan retention)
        : base(time, retention)
    {
        var value = string.IsNullOrWhiteSpace(connectionString) ? DefaultFile : connectionString.Trim();
        var builder = value.Contains('=', StringComparison.Ordinal) ? new SqliteConnectionStringBuilder(value) : new SqliteConnectionStringBuilder { DataSource = value };
        if (!string.Equals(builder.DataSource, ":memory:", StringComparison.Ordinal) && builder.Mode != SqliteOpenMode.Memory)
        {
            builder.DataSource = Path.GetFullPath(builder.DataSource, contentRoot);
            Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
        }

        builder.Pooling = true;
        _connectionString = builder.ToString();
    }

    /// <inheritdoc/>
    protected override DbConnection CreateConnection() => new SqliteConnection(_connectionString);

    /// <inheritdoc/>
    protected override async Task OnOpenedAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // The ledger writes the same file: wait for its writes rather than fail.
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout = 5000;";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
