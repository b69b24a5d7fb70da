using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Mostlyucid.LlmBackend.AI.Backends;
using Mostlyucid.LlmBackend.Interfaces;

namespace Mostlyucid.LlmBackend.AI.DependencyInjection;

/// <summary>Registers the library as Microsoft.Extensions.AI services, and MEAI clients as backends.</summary>
public static class LlmBackendAIServiceCollectionExtensions
{
    /// <summary>
    /// Registers the library's <see cref="ILlmService"/> (from <c>AddLlmBackend</c>) as the application's
    /// <see cref="IChatClient"/>, and returns the builder to add MEAI middleware to it
    /// (<c>.UseFunctionInvocation().UseOpenTelemetry()</c>, …). Also makes backend type <c>ChatClient</c> available.
    /// </summary>
    /// <param name="services">The services, with <c>AddLlmBackend</c> called.</param>
    /// <param name="model">The route, backend or model asked for when a request names none; <see langword="null"/> for the default routing.</param>
    /// <param name="lifetime">The client's lifetime.</param>
    /// <returns>The builder of the registered client's pipeline.</returns>
    public static ChatClientBuilder AddLlmBackendChatClient(this IServiceCollection services, string? model = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddLlmBackendChatClientBackends();
        return services.AddChatClient(sp => sp.GetRequiredService<ILlmService>().AsIChatClient(model), lifetime);
    }

    /// <summary>Registers the library's <see cref="ILlmService"/> as the application's embedding generator, and returns its builder.</summary>
    /// <param name="services">The services, with <c>AddLlmBackend</c> called.</param>
    /// <param name="model">The route, backend or embedding model asked for when a request names none.</param>
    /// <param name="lifetime">The generator's lifetime.</param>
    /// <returns>The builder of the registered generator's pipeline.</returns>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddLlmBackendEmbeddingGenerator(this IServiceCollection services, string? model = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddLlmBackendChatClientBackends();
        return services.AddEmbeddingGenerator(sp => sp.GetRequiredService<ILlmService>().AsIEmbeddingGenerator(model), lifetime);
    }

    /// <summary>
    /// Makes backend type <c>ChatClient</c> available: a backend in <c>LlmSettings:Backends</c> served by an
    /// <see cref="IChatClient"/> registered in DI (keyed by its <c>ProviderOptions:ServiceKey</c>). Safe to call more than once.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddLlmBackendChatClientBackends(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<ChatClientBackendsPlugin>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILlmBackendPlugin, ChatClientBackendsPlugin>(sp => sp.GetRequiredService<ChatClientBackendsPlugin>()));
        return services;
    }
}
