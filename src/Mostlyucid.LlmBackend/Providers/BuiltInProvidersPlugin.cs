using System.Reflection;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;

namespace Mostlyucid.LlmBackend.Providers;

/// <summary>
/// The core's own providers, served through the same plugin mechanism as external plugins: the router creates a built-in
/// backend exactly as it creates a plugin's. The types come from every <see cref="IBuiltInProviderFactory"/> in this
/// assembly.
/// </summary>
internal sealed class BuiltInProvidersPlugin : ILlmBackendPlugin
{
    /// <summary>The id the built-in providers are registered under.</summary>
    public const string Id = "builtin";

    /// <summary>The named HTTP client the built-in providers use.</summary>
    public const string HttpClientName = "Mostlyucid.LlmBackend";

    private static readonly BuiltInProvider[] AllProviders = typeof(BuiltInProvidersPlugin).Assembly
        .GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IBuiltInProviderFactory).IsAssignableFrom(t))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .SelectMany(t => ((IBuiltInProviderFactory)Activator.CreateInstance(t)!).Providers)
        .ToArray();

    private readonly TimeProvider _time;
    private readonly Dictionary<string, BuiltInProvider> _providers;

    public BuiltInProvidersPlugin(TimeProvider time)
    {
        _time = time;
        _providers = AllProviders.ToDictionary(p => p.Type, StringComparer.OrdinalIgnoreCase);
    }

    public string PluginId => Id;

    public string PluginName => "Mostlyucid.LlmBackend built-in providers";

    public string Version => typeof(BuiltInProvidersPlugin).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public string Author => "Mostlyucid LlmBackend contributors";

    public string Description => "The providers that ship with the core library.";

    public IEnumerable<string> SupportedBackendTypes => _providers.Keys;

    /// <summary>Gets whether a type is built in.</summary>
    public bool IsBuiltIn(string backendType) => _providers.ContainsKey(backendType.Trim());

    /// <summary>Adds a built-in type's own configuration problems for an enabled backend.</summary>
    public void Validate(LlmBackendConfig config, string label, List<string> problems)
    {
        if (_providers.TryGetValue(config.EffectiveBackendType, out var provider))
        {
            provider.Validate(config, label, problems);
        }
    }

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
}
