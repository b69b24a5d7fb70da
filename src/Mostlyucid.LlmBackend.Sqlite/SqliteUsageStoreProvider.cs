using Microsoft.Data.Sqlite;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;

namespace Mostlyucid.LlmBackend.Sqlite;

/// <summary>
/// <c>LlmSettings:Usage:Store</c> = <c>Sqlite</c>: <c>Usage:ConnectionString</c> is a file path (relative to the content
/// root; the folder is created) or a <c>Data Source=…</c> connection string. <value>The default file is
/// <c>data/llmb-usage.db</c>.</value>
/// </summary>
internal sealed class SqliteUsageStoreProvider : IUsageStoreProvider
{
    /// <summary>The file used when no connection string is given.</summary>
    public const string DefaultFile = "data/llmb-usage.db";

    public string Name => "Sqlite";

    public IEnumerable<string> Validate(UsageSettings settings)
    {
        var value = settings.ConnectionString;
        if (string.IsNullOrWhiteSpace(value) || !value.Contains('=', StringComparison.Ordinal))
        {
            yield break;
        }

        string? problem = null;
        try
        {
            _ = new SqliteConnectionStringBuilder(value).DataSource;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            problem = $"{LlmSettings.SectionName}:Usage:ConnectionString is not a SQLite connection string ({ex.Message}). Give a file path, or 'Data Source=path/to/usage.db'.";
        }

        if (problem is not null)
        {
            yield return problem;
        }
    }

    public IUsageStore Create(UsageSettings settings, string contentRoot)
    {
        var value = string.IsNullOrWhiteSpace(settings.ConnectionString) ? DefaultFile : settings.ConnectionString.Trim();
        var builder = value.Contains('=', StringComparison.Ordinal) ? new SqliteConnectionStringBuilder(value) : new SqliteConnectionStringBuilder { DataSource = value };
        if (!string.Equals(builder.DataSource, ":memory:", StringComparison.Ordinal) && builder.Mode != SqliteOpenMode.Memory)
        {
            builder.DataSource = Path.GetFullPath(builder.DataSource, contentRoot);
            Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
        }

        builder.Pooling = true;
        return new SqliteUsageStore(builder.ToString());
    }
}
