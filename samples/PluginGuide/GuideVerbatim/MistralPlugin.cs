using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;

namespace MyCompany.LlmBackend.MistralPlugin;

public class MistralPlugin : ILlmBackendPlugin
{
    public string PluginId => "com.mycompany.llmbackend.mistral";

    public string PluginName => "Mistral AI Plugin";

    public string Version => "1.0.0";

    public string Author => "Your Company";

    public string Description => "Adds support for Mistral AI large language models";

    public IEnumerable<string> SupportedBackendTypes => new[] { "Mistral", "MistralAI" };

    public ILlmBackend CreateBackend(
        string backendType,
        LlmBackendConfig config,
        ILoggerFactory loggerFactory,
        IHttpClientFactory httpClientFactory)
    {
        if (!SupportedBackendTypes.Contains(backendType, StringComparer.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Backend type {backendType} is not supported by this plugin");
        }

        var logger = loggerFactory.CreateLogger<MistralLlmBackend>();
        var httpClient = httpClientFactory.CreateClient();

        return new MistralLlmBackend(config, logger, httpClient);
    }

    public bool Validate()
    {
        // Perform any validation checks here
        // For example, check if required dependencies are available
        return true;
    }
}
