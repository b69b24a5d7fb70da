using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Reload;
using Mostlyucid.LlmBackend.Routing;
using Mostlyucid.LlmBackend.Spend;

namespace Mostlyucid.LlmBackend.DependencyInjection;

/// <summary>
/// Validates the configuration when the host starts (so bad settings stop startup with every problem listed); with
/// <c>Plugins:LoadOnStartup</c>, loads plugins and creates the backends then rather than on the first request; and starts
/// the usage ledger (its store's tables are created or migrated, the budgets' spend read). At shutdown the ledger writes
/// everything still queued. Once started, a configuration read from <c>IConfiguration</c> is reloaded when it changes
/// (<see cref="ConfigurationReloader"/>).
/// </summary>
internal sealed class LlmBackendHostedService : IHostedService
{
    private readonly BackendRegistry _registry;
    private readonly IServiceProvider _services;
    private ConfigurationReloader? _reloader;

    public LlmBackendHostedService(BackendRegistry registry, IServiceProvider services)
    {
        _registry = registry;
        _services = services;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_registry.FindProblems() is { Count: > 0 } problems)
        {
            throw new LlmConfigurationException(problems);
        }

        var settings = _registry.Settings;
        if (settings.Plugins.LoadOnStartup || !settings.Plugins.Enabled)
        {
            _registry.EnsureInitialized();
        }

        if (settings.Usage.Enabled)
        {
            try
            {
                await _services.GetRequiredService<UsageLedger>().StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new LlmConfigurationException(
                    $"{LlmSettings.SectionName}:Usage: the {settings.Usage.Store} usage store could not be opened: {_services.GetRequiredService<Security.SecretRedactor>().Redact(ex.Message)} Check Usage:ConnectionString and that the database is reachable.",
                    ex);
            }
        }

        _reloader = _services.GetRequiredService<ConfigurationReloader>();
        _reloader.Start();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Only a started reloader: resolving one for a host that failed to start would read its broken settings again.
        _reloader?.Stop();
        if (_registry.Settings.Usage.Enabled)
        {
            await _services.GetRequiredService<UsageLedger>().StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
