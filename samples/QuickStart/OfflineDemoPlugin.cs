using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;

namespace QuickStart;

/// <summary>
/// A plugin compiled into the application and registered with <c>LlmPluginLoader.RegisterPlugin</c>. Its backend answers
/// without any network, so the sample shows failover even on a machine with no provider: it says plainly that it is a demo.
/// </summary>
public sealed class OfflineDemoPlugin : ILlmBackendPlugin
{
    public string PluginId => "quickstart.offline-demo";

    public string PluginName => "Offline demo";

    public string Version => "1.0.0";

    public string Author => "QuickStart sample";

    public string Description => "Answers locally so the sample runs anywhere.";

    public IEnumerable<string> SupportedBackendTypes => new[] { "OfflineDemo" };

    public ILlmBackend CreateBackend(string backendType, LlmBackendConfig config, ILoggerFactory loggerFactory, IHttpClientFactory httpClientFactory) =>
        new OfflineDemoBackend(config, loggerFactory.CreateLogger<OfflineDemoBackend>(), httpClientFactory.CreateClient());

    public bool Validate() => true;
}
