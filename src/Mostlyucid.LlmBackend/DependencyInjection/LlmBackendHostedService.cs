using Microsoft.Extensions.Hosting;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Routing;

namespace Mostlyucid.LlmBackend.DependencyInjection;

/// <summary>
/// Validates the configuration when the host starts (so bad settings stop startup with every problem listed) and, with
/// <c>Plugins:LoadOnStartup</c>, loads plugins and creates the backends then rather than on the first request.
/// </summary>
internal sealed class LlmBackendHostedService : IHostedService
{
    private readonly BackendRegistry _registry;

    public LlmBackendHostedService(BackendRegistry registry)
    {
        _registry = registry;
    }

    public Task StartAsync(CancellationToken cancellationToken)
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

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
