using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Interfaces;

/// <summary>A backend that can list the provider's models (a free call).</summary>
public interface IModelListingLlmBackend
{
    /// <summary>Lists the models.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The models.</returns>
    /// <exception cref="LlmBackendException">The provider could not be asked.</exception>
    Task<IReadOnlyList<LlmModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default);
}
