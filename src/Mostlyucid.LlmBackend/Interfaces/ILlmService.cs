using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Interfaces;

/// <summary>
/// What applications call: one entry point that routes each request to the configured backends (by the
/// <c>SelectionStrategy</c>), fails over when a backend fails, and reports which backend and model answered.
/// </summary>
public interface ILlmService
{
    /// <summary>Generates a completion for a single prompt through the routing pipeline.</summary>
    /// <param name="request">The prompt and options.</param>
    /// <param name="cancellationToken">Cancels the request; the current attempt is abandoned.</param>
    /// <returns>The answer, or a failed response whose <see cref="LlmResponse.Error"/> and <see cref="LlmResponse.Attempts"/> say why.</returns>
    Task<LlmResponse> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default);

    /// <summary>Continues a conversation through the routing pipeline.</summary>
    /// <param name="request">The messages and options.</param>
    /// <param name="cancellationToken">Cancels the request; the current attempt is abandoned.</param>
    /// <returns>The answer, or a failed response whose <see cref="LlmResponse.Error"/> and <see cref="LlmResponse.Attempts"/> say why.</returns>
    Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams the answer to a conversation through the routing pipeline. Backends that fail before their first update are
    /// failed over without the caller seeing it.
    /// </summary>
    /// <param name="request">The messages and options.</param>
    /// <param name="cancellationToken">Cancels the stream and the upstream request.</param>
    /// <returns>The updates; each names the backend that produced it. A failure throws <see cref="LlmBackendException"/>.</returns>
    IAsyncEnumerable<ChatStreamUpdate> StreamChatAsync(ChatRequest request, CancellationToken cancellationToken = default);

    /// <summary>Embeds texts through the routing pipeline, using backends that have an embedding model.</summary>
    /// <param name="request">The texts and options.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The vectors, or a failed response with the error and attempts.</returns>
    Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default);

    /// <summary>Lists the models of one backend, or of every ready backend that can list them.</summary>
    /// <param name="backendName">One backend's name, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The models, and an error for each backend that could not list its models.</returns>
    Task<ModelListResult> ListModelsAsync(string? backendName = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists the names a request's <c>Model</c> can route by: routes (virtual models), backend names, and the models
    /// backends are configured with — each with the ready backends it reaches. Any other model is passed to the backends as
    /// it is.
    /// </summary>
    /// <returns>The names.</returns>
    IReadOnlyList<RoutableModel> GetRoutableModels();

    /// <summary>Lists every configured backend with its status (ready, disabled, waiting for a plugin, failed).</summary>
    /// <returns>The backends in configuration order.</returns>
    IReadOnlyList<BackendInfo> GetBackends();

    /// <summary>Gets request counters and per-backend latency statistics.</summary>
    /// <returns>A snapshot.</returns>
    LlmServiceStatistics GetStatistics();

    /// <summary>Gets every ready backend's health as observed from recent requests (no network calls).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>One entry per ready backend.</returns>
    Task<IReadOnlyList<BackendHealth>> GetHealthAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Asks every ready backend whether it is reachable now (<see cref="ILlmBackend.IsAvailableAsync"/>, which must not be
    /// billable), in parallel.
    /// </summary>
    /// <param name="cancellationToken">Cancels the checks.</param>
    /// <returns>Backend name to availability.</returns>
    Task<IReadOnlyDictionary<string, bool>> CheckAvailabilityAsync(CancellationToken cancellationToken = default);
}
