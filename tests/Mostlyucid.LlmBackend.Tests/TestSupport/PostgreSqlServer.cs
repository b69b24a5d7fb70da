using System.Diagnostics;
using Npgsql;

namespace Mostlyucid.LlmBackend.Tests.TestSupport;

/// <summary>
/// A PostgreSQL server for tests: the one <c>LLMB_TEST_POSTGRES</c> names (a connection string whose user may create
/// databases), else — outside CI — a throwaway one that <c>scripts/postgres.sh</c> starts in a temp folder and stops at
/// dispose. In CI (<c>CI=true</c>) the variable is required. Each test makes its own database with
/// <see cref="CreateDatabaseAsync"/>, so tests never see each other's rows. (Also compiled into the gateway tests.)
/// </summary>
public sealed class PostgreSqlServer : IAsyncLifetime
{
    /// <summary>The environment variable holding the server's connection string.</summary>
    public const string Variable = "LLMB_TEST_POSTGRES";

    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(2);

    private string? _folder;

    /// <summary>Gets the connection string of the server's maintenance database (where databases are created).</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    public async ValueTask InitializeAsync()
    {
        var given = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(given))
        {
            ConnectionString = given.Trim();
            return;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"{Variable} is not set, and CI=true: CI must provide the PostgreSQL server for these tests. Set {Variable} to a connection string " +
                "whose user may CREATE DATABASE, for example the line 'scripts/postgres.sh start <dir>' prints.");
        }

        _folder = Path.Combine(Path.GetTempPath(), "llmb-pg-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            ConnectionString = (await RunScriptAsync("start", _folder)).Trim();
        }
        catch
        {
            await StopAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await StopAsync();
    }

    /// <summary>Creates an empty database with a random name.</summary>
    /// <returns>Its connection string and name.</returns>
    public async Task<(string ConnectionString, string Name)> CreateDatabaseAsync()
    {
        var name = "llmb_t_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync($"CREATE DATABASE {name}");
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name };
        return (builder.ConnectionString, name);
    }

    /// <summary>Drops a database <see cref="CreateDatabaseAsync"/> made, closing whatever is still connected to it.</summary>
    public Task DropDatabaseAsync(string name) => ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task StopAsync()
    {
        if (_folder is { } folder && Directory.Exists(folder))
        {
            await RunScriptAsync("stop", folder);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LlmBackend.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (LlmBackend.slnx) above " + AppContext.BaseDirectory);
    }

    /// <summary>Runs <c>scripts/postgres.sh</c> and returns its stdout; fails with its stderr when it fails.</summary>
    private static async Task<string> RunScriptAsync(string verb, string folder)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot(), "scripts", "postgres.sh"));
        start.ArgumentList.Add(verb);
        start.ArgumentList.Add(folder);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start bash for scripts/postgres.sh.");
        using var timeout = new CancellationTokenSource(ScriptTimeout);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"scripts/postgres.sh {verb} {folder} took more than {ScriptTimeout.TotalSeconds} s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/postgres.sh {verb} {folder} failed ({process.ExitCode}): {await errors}");
        }

        return await output;
    }
}
