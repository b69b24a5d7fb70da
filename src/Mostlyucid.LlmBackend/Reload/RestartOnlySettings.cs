using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Reload;

/// <summary>
/// The parts of <c>LlmSettings</c> read once, when the application starts: the usage ledger and its store
/// (<c>Usage</c> — it decides the pipeline's stages), the response cache and the Redis connection (<c>Caching</c>,
/// <c>Redis</c>), the plugins loaded (<c>Plugins</c>), the model catalog
/// (<c>ModelCatalog</c>), the WebAssembly sandbox (<c>Sandbox</c>), and the statistics windows and circuit breakers every
/// running backend was given (<c>Monitoring</c>, <c>Resilience:CircuitBreaker</c>). A reload checks them like everything
/// else, reports the ones that changed as needing a restart, and keeps running with the values it started with.
/// </summary>
internal static class RestartOnlySettings
{
    /// <summary>Puts the running values of the startup-only parts into <paramref name="next"/>.</summary>
    /// <param name="running">The settings in use.</param>
    /// <param name="next">The reloaded settings (already validated).</param>
    /// <returns>The settings that changed and wait for a restart.</returns>
    public static IReadOnlyList<string> KeepRunning(LlmSettings running, LlmSettings next)
    {
        const string Root = LlmSettings.SectionName;
        var context = SettingsJsonContext.Default;
        var changed = new List<string>();
        if (!SettingsComparison.Same(running.Usage, next.Usage, context.UsageSettings))
        {
            changed.Add($"{Root}:Usage");
        }

        if (!SettingsComparison.Same(running.Caching, next.Caching, context.CachingSettings))
        {
            changed.Add($"{Root}:Caching");
        }

        if (!SettingsComparison.Same(running.Redis, next.Redis, context.RedisSettings))
        {
            changed.Add($"{Root}:Redis");
        }

        if (!SettingsComparison.Same(running.Plugins, next.Plugins, context.PluginSettings))
        {
            changed.Add($"{Root}:Plugins");
        }

        if (!SettingsComparison.Same(running.ModelCatalog, next.ModelCatalog, context.ListModelCatalogEntryConfig))
        {
            changed.Add($"{Root}:ModelCatalog");
        }

        if (!SettingsComparison.Same(running.Sandbox, next.Sandbox, context.SandboxSettings))
        {
            changed.Add($"{Root}:Sandbox");
        }

        if (!SettingsComparison.Same(running.Monitoring, next.Monitoring, context.MonitoringSettings))
        {
            changed.Add($"{Root}:Monitoring");
        }

        if (!SettingsComparison.Same(running.Resilience.CircuitBreaker, next.Resilience.CircuitBreaker, context.CircuitBreakerSettings))
        {
            changed.Add($"{Root}:Resilience:CircuitBreaker");
        }

        next.Usage = running.Usage;
        next.Caching = running.Caching;
        next.Redis = running.Redis;
        next.Plugins = running.Plugins;
        next.ModelCatalog = running.ModelCatalog;
        next.Sandbox = running.Sandbox;
        next.Monitoring = running.Monitoring;
        next.Resilience.CircuitBreaker = running.Resilience.CircuitBreaker;
        return changed;
    }
}
