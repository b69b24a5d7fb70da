using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Providers.OpenAI;

/// <summary>The OpenAI family: <c>OpenAI</c>, <c>OpenAICompatible</c> (with presets) and <c>AzureOpenAI</c>.</summary>
internal sealed class OpenAiProviderFactory : IBuiltInProviderFactory
{
    public IEnumerable<BuiltInProvider> Providers => new[]
    {
        new BuiltInProvider(
            LlmBackendTypes.OpenAI,
            (config, loggers, http, time) => new OpenAiBackend(config, loggers.CreateLogger<OpenAiBackend>(), http, time, OpenAiPresets.OpenAI),
            (config, label, problems) => RequireKey(config, label, OpenAiPresets.OpenAI, "OPENAI_API_KEY", problems)),
        new BuiltInProvider(
            LlmBackendTypes.OpenAICompatible,
            (config, loggers, http, time) => new OpenAiBackend(config, loggers.CreateLogger<OpenAiBackend>(), http, time, OpenAiPresets.Find(config.Preset) ?? OpenAiPresets.Generic),
            ValidateCompatible),
        new BuiltInProvider(
            LlmBackendTypes.AzureOpenAI,
            (config, loggers, http, time) => new AzureOpenAiBackend(config, loggers.CreateLogger<AzureOpenAiBackend>(), http, time),
            (config, label, problems) =>
            {
                if (string.IsNullOrWhiteSpace(config.BaseUrl))
                {
                    problems.Add($"{label}: BaseUrl is required for type AzureOpenAI: your resource's endpoint, https://RESOURCE.openai.azure.com.");
                }

                RequireKey(config, label, OpenAiPresets.Azure, "AZURE_OPENAI_API_KEY", problems);
            }),
    };

    private static void ValidateCompatible(LlmBackendConfig config, string label, List<string> problems)
    {
        var dialect = OpenAiPresets.Generic;
        if (!string.IsNullOrWhiteSpace(config.Preset))
        {
            if (OpenAiPresets.Find(config.Preset) is not { } preset)
            {
                problems.Add($"{label}: Preset '{config.Preset}' is not known. Presets: {string.Join(", ", OpenAiPresets.Names)}.");
                return;
            }

            dialect = preset;
        }

        if (string.IsNullOrWhiteSpace(config.BaseUrl) && dialect.DefaultBaseUrl is null)
        {
            problems.Add($"{label}: BaseUrl is required for type OpenAICompatible without a Preset (the server's address, for example http://localhost:8000/v1).");
        }

        RequireKey(config, label, dialect, dialect.Name.ToUpperInvariant() + "_API_KEY", problems);
    }

    private static void RequireKey(LlmBackendConfig config, string label, OpenAiDialect dialect, string variable, List<string> problems)
    {
        if (dialect.RequiresApiKey && string.IsNullOrWhiteSpace(config.ApiKey))
        {
            problems.Add($"{label}: ApiKey is required for {dialect.Name} (for example \"ApiKey\": \"${{{variable}}}\").");
        }
    }
}
