using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Providers.OpenAI;

namespace Mostlyucid.LlmBackend.Providers;

/// <summary>
/// The core's own providers, served through the same plugin mechanism as external plugins: the router creates a built-in
/// backend exactly as it creates a plugin's.
/// </summary>
internal sealed class BuiltInProvidersPlugin : ILlmBackendPlugin
{
    /// <summary>The id the built-in providers are registered under.</summary>
    public const string Id = "builtin";

    /// <summary>The named HTTP client the built-in providers use.</summary>
    public const string HttpClientName = "Mostlyucid.LlmBackend";

    private readonly TimeProvider _time;
    private readonly Dictionary<string, BuiltInProvider> _providers;

    public BuiltInProvidersPlugin(TimeProvider time)
    {
        _time = time;
        _providers = new[]
        {
            new BuiltInProvider(LlmBackendTypes.OpenAI, "https://api.openai.com/v1", CreateOpenAi("https://api.openai.com/v1")),
            new BuiltInProvider(LlmBackendTypes.OpenAICompatible, null, CreateOpenAi(null)),
        }.ToDictionary(p => p.Type, StringComparer.OrdinalIgnoreCase);
    }

    public string PluginId => Id;

    public string PluginName => "Mostlyucid.LlmBackend built-in providers";

    public string Version => typeof(BuiltInProvidersPlugin).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public string Author => "Mostlyucid LlmBackend contributors";

    public string Description => "The providers that ship with the core library.";

    public IEnumerable<string> SupportedBackendTypes => _providers.Keys;

    /// <summary>Gets whether a built-in type needs <c>BaseUrl</c> because it has no public default endpoint.</summary>
    public bool RequiresBaseUrl(string backendType) =>
        _providers.TryGetValue(backendType, out var provider) && provider.DefaultBaseUrl is null;

    public ILlmBackend CreateBackend(string backendType, LlmBackendConfig config, ILoggerFactory loggerFactory, IHttpClientFactory httpClientFactory)
    {
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        if (!_providers.TryGetValue(backendType, out var provider))
        {
            throw new ArgumentException($"Backend type {backendType} is not a built-in type ({string.Join(", ", _providers.Keys)}).", nameof(backendType));
        }

        return provider.Create(config, loggerFactory, httpClientFactory.CreateClient(HttpClientName), _time);
    }

    public bool Validate() => true;

    private static Func<LlmBackendConfig, ILoggerFactory, HttpClient, TimeProvider, ILlmBackend> CreateOpenAi(string? defaultBaseUrl) =>
        (config, loggers, http, time) => new OpenAiBackend(config, loggers.CreateLogger<OpenAiBackend>(), http, time, defaultBaseUrl);
}
