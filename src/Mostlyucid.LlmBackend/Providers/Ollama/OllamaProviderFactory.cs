using Microsoft.Extensions.Logging;

namespace Mostlyucid.LlmBackend.Providers.Ollama;

/// <summary>
/// Ollama's native API, type <c>Ollama</c>. Nothing is required: <c>BaseUrl</c> defaults to a local Ollama and no key is
/// needed (one that is set is sent as a bearer token).
/// </summary>
internal sealed class OllamaProviderFactory : IBuiltInProviderFactory
{
    public IEnumerable<BuiltInProvider> Providers => new[]
    {
        new BuiltInProvider(
            OllamaBackend.BackendType,
            (config, loggers, http, time) => new OllamaBackend(config, loggers.CreateLogger<OllamaBackend>(), http, time),
            static (_, _, _) =>
            {
                // Nothing is required: BaseUrl has a default, the key is optional, and a URL's shape is checked for every type.
            }),
    };
}
