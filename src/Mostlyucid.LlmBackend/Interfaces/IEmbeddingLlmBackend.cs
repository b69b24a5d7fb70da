using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Interfaces;

/// <summary>A backend that turns texts into vectors.</summary>
public interface IEmbeddingLlmBackend
{
    /// <summary>Embeds a batch of texts.</summary>
    /// <param name="request">The texts and options.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The vectors, or a failed response with the error.</returns>
    Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default);
}
