using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Npgsql;

namespace Mostlyucid.LlmBackend.PostgreSql;

/// <summary>
/// <c>LlmSettings:Usage:Store</c> = <c>PostgreSql</c>: <c>Usage:ConnectionString</c> is a PostgreSQL connection string,
/// required (there is no default server). It is a secret: problems never repeat it, and its password belongs in an
/// environment variable (<c>Password=${LLMB_PG_PASSWORD}</c>).
/// </summary>
internal sealed class PostgreSqlUsageStoreProvider : IUsageStoreProvider
{
    /// <summary>What a connection string looks like, for problems.</summary>
    public const string Example = "Host=127.0.0.1;Port=5432;Database=llmb;Username=llmb;Password=${LLMB_PG_PASSWORD}";

    private const string Setting = LlmSettings.SectionName + ":Usage:ConnectionString";

    public string Name => "PostgreSql";

    public IEnumerable<string> Validate(UsageSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (Problem(settings.ConnectionString) is { } problem)
        {
            yield return problem;
        }
    }

    public IUsageStore Create(UsageSettings settings, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (Problem(settings.ConnectionString) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        return new PostgreSqlUsageStore(settings.ConnectionString!.Trim());
    }

    /// <summary>What is wrong with a connection string, without repeating any of it; <see langword="null"/> when it is usable.</summary>
    private static string? Problem(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return $"{Setting} is required for the PostgreSql usage store: give a PostgreSQL connection string, for example '{Example}' (keep the password in an environment variable).";
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString.Trim());
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException or KeyNotFoundException)
        {
            // The parser's message can quote part of the value, and the value may hold a password: it is not shown.
            return $"{Setting} is not a PostgreSQL connection string it can read: write Key=Value pairs separated by ';' with known keys " +
                $"(put a value holding ';' or '=' in double quotes), for example '{Example}'. The value is not shown here because it may hold a password.";
        }

        return string.IsNullOrWhiteSpace(builder.Host)
            ? $"{Setting} names no Host: say which server to use, for example '{Example}'."
            : null;
    }
}
