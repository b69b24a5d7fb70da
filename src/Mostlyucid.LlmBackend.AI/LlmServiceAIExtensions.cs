using Microsoft.Extensions.AI;
using Mostlyucid.LlmBackend.AI.ChatClients;
using Mostlyucid.LlmBackend.AI.Embeddings;
using Mostlyucid.LlmBackend.Interfaces;

namespace Mostlyucid.LlmBackend.AI;

/// <summary>The library's service as Microsoft.Extensions.AI clients, named the MEAI way.</summary>
public static class LlmServiceAIExtensions
{
    /// <summary>Gets the service as an <see cref="IChatClient"/> with its routing, failover and mid-stream continuation.</summary>
    /// <param name="service">The service.</param>
    /// <param name="model">The route, backend or model asked for when <see cref="ChatOptions.ModelId"/> is not set.</param>
    /// <returns>The chat client.</returns>
    public static IChatClient AsIChatClient(this ILlmService service, string? model = null) => new LlmChatClient(service, model);

    /// <summary>Gets the service as an embedding generator of float vectors.</summary>
    /// <param name="service">The service.</param>
    /// <param name="model">The route, backend or embedding model asked for when the options name none.</param>
    /// <returns>The generator.</returns>
    public static IEmbeddingGenerator<string, Embedding<float>> AsIEmbeddingGenerator(this ILlmService service, string? model = null) => new LlmEmbeddingGenerator(service, model);
}
