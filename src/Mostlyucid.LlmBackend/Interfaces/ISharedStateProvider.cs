using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Interfaces;

/// <summary>
/// Makes the <see cref="ISharedState"/> that <c>LlmSettings:Redis</c> configures. The Redis package registers one
/// (<c>services.AddLlmBackendRedis()</c>); the core keeps everything in the process without it.
/// </summary>
public interface ISharedStateProvider
{
    /// <summary>Checks the settings; every problem names the setting and never repeats the connection string.</summary>
    /// <param name="settings">The Redis settings, with environment references expanded.</param>
    /// <returns>The problems; empty when the state can be made.</returns>
    IEnumerable<string> Validate(RedisSettings settings);

    /// <summary>Makes the shared state; it connects in the background and never throws for an unreachable server.</summary>
    /// <param name="settings">The Redis settings.</param>
    /// <param name="redact">Hides secrets (the password) in a text it reports or logs.</param>
    /// <param name="loggers">Makes its loggers.</param>
    ISharedState Create(RedisSettings settings, Func<string, string> redact, ILoggerFactory loggers);
}
