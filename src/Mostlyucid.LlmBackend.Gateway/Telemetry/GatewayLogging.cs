using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mostlyucid.LlmBackend.Security;

namespace Mostlyucid.LlmBackend.Gateway.Telemetry;

/// <summary>The gateway's logging: every logger in the process writes through the <see cref="SecretRedactor"/>.</summary>
internal static class GatewayLogging
{
    /// <summary>
    /// Replaces the logger factory with one that redacts secrets from every message, structured value and exception —
    /// ASP.NET Core's, the library's and every plugin's — so a key a provider echoes back never reaches a log.
    /// </summary>
    public static IServiceCollection RedactSecretsInLogs(this IServiceCollection services) =>
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => new RedactingLoggerFactory(
            new LoggerFactory(
                sp.GetServices<ILoggerProvider>(),
                sp.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
                sp.GetService<IOptions<LoggerFactoryOptions>>(),
                sp.GetService<IExternalScopeProvider>()),
            sp.GetRequiredService<SecretRedactor>())));
}
