using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Providers.Anthropic;

/// <summary>Anthropic: <c>Type: Anthropic</c>, with <c>BaseUrl</c> defaulting to <see cref="AnthropicBackend.DefaultBaseUrl"/>.</summary>
internal sealed class AnthropicProviderFactory : IBuiltInProviderFactory
{
    /// <summary>The backend type name.</summary>
    public const string Type = "Anthropic";

    public IEnumerable<BuiltInProvider> Providers => new[]
    {
        new BuiltInProvider(
            Type,
            (config, loggers, http, time) => new AnthropicBackend(config, loggers.CreateLogger<AnthropicBackend>(), http, time),
            Validate),
    };

    private static void Validate(LlmBackendConfig config, string label, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(config.ApiKey))
        {
            problems.Add($"{label}: ApiKey is required for Anthropic (for example \"ApiKey\": \"${{ANTHROPIC_API_KEY}}\").");
        }
    }
}
