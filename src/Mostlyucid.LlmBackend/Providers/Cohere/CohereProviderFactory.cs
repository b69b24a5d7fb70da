using Microsoft.Extensions.Logging;

namespace Mostlyucid.LlmBackend.Providers.Cohere;

/// <summary>The <c>Cohere</c> backend type: Cohere's Chat v2, Embed v2 and models APIs.</summary>
internal sealed class CohereProviderFactory : IBuiltInProviderFactory
{
    /// <summary>The backend type name.</summary>
    public const string Type = "Cohere";

    public IEnumerable<BuiltInProvider> Providers => new[]
    {
        new BuiltInProvider(
            Type,
            (config, loggers, http, time) => new CohereBackend(config, loggers.CreateLogger<CohereBackend>(), http, time),
            (config, label, problems) =>
            {
                if (string.IsNullOrWhiteSpace(config.ApiKey))
                {
                    problems.Add($"{label}: ApiKey is required for Cohere (for example \"ApiKey\": \"${{COHERE_API_KEY}}\").");
                }
            }),
    };
}
