using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using StackExchange.Redis;

namespace Mostlyucid.LlmBackend.Redis;

/// <summary>
/// <c>LlmSettings:Redis:ConnectionString</c>: a StackExchange.Redis configuration string. It is a secret (it may hold the
/// password): problems never repeat it.
/// </summary>
internal sealed class RedisSharedStateProvider : ISharedStateProvider
{
    /// <summary>What a configuration string looks like, for problems.</summary>
    public const string Example = "127.0.0.1:6379,password=${LLMB_REDIS_PASSWORD}";

    private const string Setting = LlmSettings.SectionName + ":Redis:ConnectionString";

    public IEnumerable<string> Validate(RedisSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(settings.ConnectionString!.Trim());
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or RedisConnectionException)
        {
            // The parser's message can quote the option it choked on, and that may be the password: it is not shown.
            return new[] { $"{Setting} is not a Redis configuration string it can read: write host:port followed by ',option=value' pairs, for example '{Example}'. The value is not shown here because it may hold a password." };
        }

        return options.EndPoints.Count == 0
            ? new[] { $"{Setting} names no server: start it with host:port, for example '{Example}'." }
            : Array.Empty<string>();
    }

    public ISharedState Create(RedisSettings settings, Func<string, string> redact, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(loggers);
        return RedisSharedState.Connect(settings, redact, loggers.CreateLogger<RedisSharedState>());
    }
}
