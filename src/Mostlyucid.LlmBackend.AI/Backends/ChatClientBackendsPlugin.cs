using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.AI.ChatClients;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;

namespace Mostlyucid.LlmBackend.AI.Backends;

/// <summary>
/// Provides backend type <c>ChatClient</c>: a backend served by an <see cref="IChatClient"/> registered in dependency
/// injection — keyed by <c>ProviderOptions:ServiceKey</c>, or the unkeyed one — and, when an
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of floats is registered under the same key, embeddings too.
/// Registered by <see cref="DependencyInjection.LlmBackendAIServiceCollectionExtensions.AddLlmBackendChatClientBackends"/>.
/// </summary>
public sealed class ChatClientBackendsPlugin : ILlmBackendPlugin
{
    /// <summary>The backend type this plugin provides.</summary>
    public const string BackendType = "ChatClient";

    /// <summary>The <c>ProviderOptions</c> key naming the DI service key of the client.</summary>
    public const string ServiceKeyOption = "ServiceKey";

    private readonly IServiceProvider _services;

    /// <summary>Creates the plugin over the application's services.</summary>
    /// <param name="services">Where the clients are resolved from.</param>
    public ChatClientBackendsPlugin(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _services = services;
    }

    /// <inheritdoc />
    public string PluginId => "mostlylucid.llmbackend.ai";

    /// <inheritdoc />
    public string PluginName => "Microsoft.Extensions.AI clients as backends";

    /// <inheritdoc />
    public string Version => typeof(ChatClientBackendsPlugin).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <inheritdoc />
    public string Author => "mostlylucid";

    /// <inheritdoc />
    public string Description => "Backend type ChatClient: any IChatClient (and IEmbeddingGenerator) from dependency injection, routed, failed over and budgeted like the built-in providers.";

    /// <inheritdoc />
    public IEnumerable<string> SupportedBackendTypes { get; } = new[] { BackendType };

    /// <inheritdoc />
    public ILlmBackend CreateBackend(string backendType, LlmBackendConfig config, ILoggerFactory loggerFactory, IHttpClientFactory httpClientFactory)
    {
        ArgumentNullException.ThrowIfNull(config);
        var key = config.ProviderOptions.TryGetValue(ServiceKeyOption, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        var client = key is null ? _services.GetService<IChatClient>() : _services.GetKeyedService<IChatClient>(key);
        var where = key is null ? "an unkeyed IChatClient" : $"an IChatClient with service key '{key}'";
        if (client is null)
        {
            throw new InvalidOperationException(
                $"Backend '{config.Name}' (type ChatClient) needs {where} in dependency injection, and there is none: register one (services.AddKeyedChatClient(\"{key ?? "name"}\", …)) or set ProviderOptions:ServiceKey to the key of one you registered.");
        }

        if (client.GetService(typeof(LlmChatClient)) is not null)
        {
            throw new InvalidOperationException(
                $"Backend '{config.Name}' (type ChatClient) resolved {where}, which is Mostlyucid.LlmBackend's own chat client: a backend calling the service it belongs to would loop. Register the client to wrap under a key and set ProviderOptions:ServiceKey to it.");
        }

        var generator = key is null
            ? _services.GetService<IEmbeddingGenerator<string, Embedding<float>>>()
            : _services.GetKeyedService<IEmbeddingGenerator<string, Embedding<float>>>(key);
        return generator is not null && generator.GetService(typeof(Embeddings.LlmEmbeddingGenerator)) is null
            ? new ChatClientEmbeddingBackend(config, client, generator)
            : new ChatClientBackend(config, client);
    }

    /// <inheritdoc />
    public bool Validate() => true;
}
