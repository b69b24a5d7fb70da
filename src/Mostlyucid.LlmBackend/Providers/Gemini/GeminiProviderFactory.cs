using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Providers.Gemini;

/// <summary>Google's Gemini API: backend type <c>Gemini</c>.</summary>
internal sealed class GeminiProviderFactory : IBuiltInProviderFactory
{
    /// <summary>The backend type name.</summary>
    public const string BackendType = "Gemini";

    public IEnumerable<BuiltInProvider> Providers => new[]
    {
        new BuiltInProvider(
            BackendType,
            (config, loggers, http, time) => new GeminiBackend(config, loggers.CreateLogger<GeminiBackend>(), http, time),
            Validate),
    };

    private static void Validate(LlmBackendConfig config, string label, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(config.ApiKey))
        {
            problems.Add($"{label}: ApiKey is required for Gemini (for example \"ApiKey\": \"${{GEMINI_API_KEY}}\").");
        }

        if (!string.IsNullOrWhiteSpace(config.ApiVersion) && config.ApiVersion.Trim().Trim('/') is var version && !GeminiBackend.EndsWithVersion(version))
        {
            problems.Add($"{label}: ApiVersion '{config.ApiVersion}' is not a Gemini API version (v1beta, v1, v1alpha).");
        }

        if (!string.IsNullOrWhiteSpace(config.ApiVersion)
            && Uri.TryCreate(config.BaseUrl, UriKind.Absolute, out var uri)
            && GeminiBackend.EndsWithVersion(uri.AbsolutePath)
            && !uri.AbsolutePath.TrimEnd('/').EndsWith("/" + config.ApiVersion.Trim().Trim('/'), StringComparison.Ordinal))
        {
            problems.Add($"{label}: BaseUrl '{config.BaseUrl}' already ends in an API version, which differs from ApiVersion '{config.ApiVersion}'; give the version in one place.");
        }
    }
}
