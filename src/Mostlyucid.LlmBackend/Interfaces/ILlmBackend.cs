using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Interfaces;

/// <summary>
/// One configured connection to a language model provider: a built-in provider, a .NET plugin's backend, or (later) a
/// sandboxed plugin. The router treats every backend the same way through this interface.
/// </summary>
/// <remarks>
/// This is the contract of the plugin guide and it never changes shape. Richer abilities (streaming, embeddings, model
/// listing) are separate optional interfaces a backend may also implement.
/// </remarks>
public interface ILlmBackend
{
    /// <summary>Gets the backend's configured name (<c>LlmBackendConfig.Name</c>), unique within the settings.</summary>
    string Name { get; }

    /// <summary>
    /// Checks, without billable work, whether the backend can take requests now (for example by listing models).
    /// </summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns><see langword="true"/> when the provider answered the check.</returns>
    Task<bool> IsAvailableAsync(CancellationToken cancellationToken = default);

    /// <summary>Generates a completion for a single prompt.</summary>
    /// <param name="request">The prompt and generation options.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The answer, or a response with <see cref="LlmResponse.Success"/> <see langword="false"/> and the error.</returns>
    Task<LlmResponse> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default);

    /// <summary>Continues a conversation.</summary>
    /// <param name="request">The messages so far and generation options.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The answer, or a response with <see cref="LlmResponse.Success"/> <see langword="false"/> and the error.</returns>
    Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default);

    /// <summary>Reports the backend's health as observed from recent requests; makes no network call.</summary>
    /// <returns>The current health snapshot.</returns>
    Task<BackendHealth> GetHealthAsync();
}
