using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Services;

namespace Mostlyucid.LlmBackend.Gateway.Tests.TestSupport;

/// <summary>
/// A plugin whose backends misbehave the way real code does: <c>Exploding</c> throws from inside (a bug, not the
/// provider's fault); <c>Careless</c> logs and returns a provider error that repeats its own API key, as the plugin guide's
/// sample would if its provider echoed the key.
/// </summary>
public sealed class MisbehavingPlugin : ILlmBackendPlugin
{
    public string PluginId => "tests.misbehaving";

    public string PluginName => "Misbehaving test backends";

    public string Version => "1.0.0";

    public string Author => "tests";

    public string Description => "Backends that throw or leak, for the gateway's security tests.";

    public IEnumerable<string> SupportedBackendTypes => new[] { "Exploding", "Careless" };

    public ILlmBackend CreateBackend(string backendType, LlmBackendConfig config, ILoggerFactory loggerFactory, IHttpClientFactory httpClientFactory) =>
        backendType == "Exploding"
            ? new ExplodingBackend(config, loggerFactory.CreateLogger<ExplodingBackend>())
            : new CarelessBackend(config, loggerFactory.CreateLogger<CarelessBackend>());

    public bool Validate() => true;

    private sealed class ExplodingBackend(LlmBackendConfig config, ILogger logger) : BaseLlmBackend(config, logger, new HttpClient())
    {
        public override Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("Sequence contains no elements (internal detail of the plugin)");
    }

    private sealed class CarelessBackend(LlmBackendConfig config, ILogger logger) : BaseLlmBackend(config, logger, new HttpClient())
    {
        public override Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default)
        {
            var errorContent = $"{{\"error\":\"invalid api key {_config.ApiKey}\"}}";
            _logger.LogError("Provider request failed with status {StatusCode}: {Error}", 502, errorContent);
            RecordFailure(errorContent);
            return Task.FromResult(CreateErrorResponse("BadGateway", errorContent));
        }
    }
}
