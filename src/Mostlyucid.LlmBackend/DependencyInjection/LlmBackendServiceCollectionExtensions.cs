using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.DependencyInjection;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Providers;
using Mostlyucid.LlmBackend.Routing;
using Mostlyucid.LlmBackend.Security;
using Mostlyucid.LlmBackend.Caching;
using Mostlyucid.LlmBackend.Catalog;
using Mostlyucid.LlmBackend.Pipeline;
using Mostlyucid.LlmBackend.Reload;
using Mostlyucid.LlmBackend.Spend;
using Mostlyucid.LlmBackend.Tokens;
using Mostlyucid.LlmBackend.Services;
using Mostlyucid.LlmBackend.SharedState;
using Mostlyucid.LlmBackend.Telemetry;
using System.Diagnostics.Metrics;

#pragma warning disable IDE0130 // Extension methods live in the DI namespace so they are found without an extra using.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Registers the LLM backend library: <see cref="ILlmService"/>, <see cref="LlmPluginLoader"/> and their parts.</summary>
public static class LlmBackendServiceCollectionExtensions
{
    /// <summary>
    /// Adds the library, configured from the <c>LlmSettings</c> section of <paramref name="configuration"/> (or from
    /// <paramref name="configuration"/> itself when it is that section). In a generic host the configuration is validated
    /// at startup; otherwise on first use.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration root, or the <c>LlmSettings</c> section.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddLlmBackend(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddLlmBackendCore(new LlmSettingsSource(configuration));
    }

    /// <summary>Adds the library, configured in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Fills in the settings.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddLlmBackend(this IServiceCollection services, Action<LlmSettings> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddLlmBackendCore(new LlmSettingsSource(configure));
    }

    private static IServiceCollection AddLlmBackendCore(this IServiceCollection services, LlmSettingsSource source)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(LlmSettingsSource)))
        {
            throw new InvalidOperationException("AddLlmBackend has already been called on this service collection; call it once.");
        }

        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(BuiltInProvidersPlugin.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // Backends keep their HttpClient for their lifetime: recycle pooled connections so DNS changes are seen.
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AutomaticDecompression = System.Net.DecompressionMethods.All,

                // Each backend's own connect limit is applied by the callback (the handler's limit would be one for all).
                ConnectCallback = BackendConnectTimeout.ConnectAsync,
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();

        services.AddSingleton(source);
        services.TryAddSingleton<SecretRedactor>();

        // The application's meter factory when it has one (a generic host registers it), so each service provider's
        // instruments are its own; else the process-wide meter.
        services.TryAddSingleton(sp => sp.GetService<IMeterFactory>() is { } meters ? new LlmMetrics(meters) : LlmMetrics.Shared);
        services.AddSingleton<IOptions<LlmSettings>>(sp => Options.Options.Create(sp.GetRequiredService<BackendRegistry>().Settings));
        services.TryAddSingleton(sp => new BuiltInProvidersPlugin(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp =>
        {
            var loader = new LlmPluginLoader(
                sp.GetService<ILoggerFactory>()?.CreateLogger<LlmPluginLoader>() ?? NullLogger<LlmPluginLoader>.Instance,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<IHostEnvironment>()?.ContentRootPath);
            loader.RegisterBuiltIn(sp.GetRequiredService<BuiltInProvidersPlugin>(), BuiltInProvidersPlugin.Id);

            // Plugins the application registered as services (for example the Wasm package's) are registered like
            // programmatic ones, before any backend is created.
            foreach (var plugin in sp.GetServices<ILlmBackendPlugin>())
            {
                loader.RegisterPlugin(plugin);
            }

            return loader;
        });
        services.TryAddSingleton(sp => new BackendRegistry(
            sp.GetRequiredService<LlmSettingsSource>(),
            sp.GetRequiredService<LlmPluginLoader>(),
            sp.GetRequiredService<BuiltInProvidersPlugin>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            Environment.GetEnvironmentVariable,
            sp.GetRequiredService<SecretRedactor>(),
            sp.GetService<IProvidersFileReader>(),
            sp.GetServices<IUsageStoreProvider>(),
            sp.GetRequiredService<LlmMetrics>(),
            sp.GetServices<ISharedStateProvider>()));
        services.TryAddSingleton(sp =>
        {
            var registry = sp.GetRequiredService<BackendRegistry>();
            return new SharedStateHolder(SharedStates.Create(registry.Settings.Redis, registry.SharedStateProviders, sp.GetRequiredService<SecretRedactor>(), sp.GetRequiredService<ILoggerFactory>()));
        });
        services.TryAddSingleton(sp => ResponseCaches.Create(
            sp.GetRequiredService<BackendRegistry>().Settings.Caching,
            sp.GetRequiredService<SharedStateHolder>(),
            sp.GetRequiredService<SecretRedactor>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => BudgetBook.From(
            sp.GetRequiredService<BackendRegistry>().Settings,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<BudgetBook>()));
        services.TryAddSingleton(sp =>
        {
            var registry = sp.GetRequiredService<BackendRegistry>();
            var usage = registry.Settings.Usage;
            var contentRoot = sp.GetService<IHostEnvironment>()?.ContentRootPath ?? AppContext.BaseDirectory;
            var budgets = sp.GetRequiredService<BudgetBook>();
            var redactor = sp.GetRequiredService<SecretRedactor>();
            var time = sp.GetRequiredService<TimeProvider>();
            var loggers = sp.GetRequiredService<ILoggerFactory>();

            // With LlmSettings:Redis, budgets count on counters every instance shares, in front of the ledger.
            var shared = sp.GetRequiredService<SharedStateHolder>().State is { } state
                ? new SharedBudgetCounters(state, budgets, redactor, time, loggers.CreateLogger<SharedBudgetCounters>())
                : null;
            return new UsageLedger(
                usage,
                UsageStores.Create(usage, registry.UsageStoreProviders, contentRoot),
                budgets,
                redactor,
                time,
                loggers.CreateLogger<UsageLedger>(),
                shared);
        });
        services.TryAddSingleton<IUsageLedger>(sp => sp.GetRequiredService<UsageLedger>());
        services.TryAddSingleton(sp => new BackendRouter(sp.GetRequiredService<BackendRegistry>(), Random.Shared, sp.GetRequiredService<BudgetBook>()));
        services.TryAddSingleton<LlmService>();
        services.TryAddSingleton<IModelCatalog>(sp => new ModelCatalog(sp.GetRequiredService<BackendRegistry>().Settings.ModelCatalog));
        services.TryAddSingleton(sp => new CostCalculator(sp.GetRequiredService<IModelCatalog>()));
        services.TryAddSingleton<ITokenCounter>(sp => new TokenCounter(
            sp.GetRequiredService<BackendRegistry>(),
            sp.GetRequiredService<BackendRouter>(),
            sp.GetService<IModelCatalog>(),
            sp.GetRequiredService<ILogger<TokenCounter>>()));
        services.TryAddSingleton(LlmServicePipeline.Build);
        services.TryAddSingleton(sp =>
        {
            var registry = sp.GetRequiredService<BackendRegistry>();
            var usage = registry.Settings.Usage.Enabled;
            return new ConfigurationReloader(
                registry,
                sp.GetServices<IConfigurationReloadParticipant>(),
                usage ? sp.GetRequiredService<BudgetBook>() : null,
                usage ? sp.GetRequiredService<UsageLedger>() : null,
                sp.GetRequiredService<SecretRedactor>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<ConfigurationReloader>>());
        });
        services.AddHostedService<LlmBackendHostedService>();
        return services;
    }
}
