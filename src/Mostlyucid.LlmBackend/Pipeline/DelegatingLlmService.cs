using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Pipeline;

/// <summary>
/// An <see cref="ILlmService"/> that passes every call to an inner one. A pipeline stage derives from it and overrides
/// only what it changes (validation, caching, spend, telemetry), the way Microsoft.Extensions.AI composes delegating
/// chat clients.
/// </summary>
public abstract class DelegatingLlmService : ILlmService
{
    /// <summary>Initializes a new instance of the <see cref="DelegatingLlmService"/> class.</summary>
    /// <param name="inner">The service calls are passed to.</param>
    protected DelegatingLlmService(ILlmService inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Inner = inner;
    }

    /// <summary>Gets the service calls are passed to.</summary>
    protected ILlmService Inner { get; }

    /// <inheritdoc/>
    public virtual Task<LlmResponse> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default) => Inner.CompleteAsync(request, cancellationToken);

    /// <inheritdoc/>
    public virtual Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default) => Inner.ChatAsync(request, cancellationToken);

    /// <inheritdoc/>
    public virtual IAsyncEnumerable<ChatStreamUpdate> StreamChatAsync(ChatRequest request, CancellationToken cancellationToken = default) => Inner.StreamChatAsync(request, cancellationToken);

    /// <inheritdoc/>
    public virtual Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default) => Inner.EmbedAsync(request, cancellationToken);

    /// <inheritdoc/>
    public virtual Task<ModelListResult> ListModelsAsync(string? backendName = null, CancellationToken cancellationToken = default) => Inner.ListModelsAsync(backendName, cancellationToken);

    /// <inheritdoc/>
    public virtual IReadOnlyList<RoutableModel> GetRoutableModels() => Inner.GetRoutableModels();

    /// <inheritdoc/>
    public virtual IReadOnlyList<BackendInfo> GetBackends() => Inner.GetBackends();

    /// <inheritdoc/>
    public virtual LlmServiceStatistics GetStatistics() => Inner.GetStatistics();

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<BackendHealth>> GetHealthAsync(CancellationToken cancellationToken = default) => Inner.GetHealthAsync(cancellationToken);

    /// <inheritdoc/>
    public virtual Task<IReadOnlyDictionary<string, bool>> CheckAvailabilityAsync(CancellationToken cancellationToken = default) => Inner.CheckAvailabilityAsync(cancellationToken);
}
