using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Security;

namespace Mostlyucid.LlmBackend.SharedState;

/// <summary>Checks and makes the shared state <c>LlmSettings:Redis</c> configures, through the registered provider.</summary>
internal static class SharedStates
{
    private const string Setting = LlmSettings.SectionName + ":Redis:ConnectionString";

    /// <summary>Checks the settings; every problem names the setting.</summary>
    public static IEnumerable<string> Validate(RedisSettings settings, IReadOnlyList<ISharedStateProvider> providers)
    {
        if (string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            return Array.Empty<string>();
        }

        return providers.Count > 0
            ? providers[0].Validate(settings)
            : new[] { $"{Setting} is set, but Redis support is not registered: add the package Mostlyucid.LlmBackend.Redis and call services.AddLlmBackendRedis() (the gateway has it)." };
    }

    /// <summary>Makes the shared state, or <see langword="null"/> when none is configured.</summary>
    public static ISharedState? Create(RedisSettings settings, IReadOnlyList<ISharedStateProvider> providers, SecretRedactor redactor, ILoggerFactory loggers) =>
        string.IsNullOrWhiteSpace(settings.ConnectionString) || providers.Count == 0 ? null : providers[0].Create(settings, redactor.Redact, loggers);
}
