using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Interfaces;

/// <summary>
/// The models the library knows prices and limits for: the catalog shipped with it, overridden and extended by
/// <c>LlmSettings:ModelCatalog</c>. Used to price every answer, and to know a model's context window.
/// </summary>
public interface IModelCatalog
{
    /// <summary>Gets the date the shipped prices were taken from the providers' pricing pages (<c>yyyy-MM-dd</c>).</summary>
    string PricesAsOf { get; }

    /// <summary>Gets every entry: configured ones first, then the shipped ones they did not replace.</summary>
    IReadOnlyList<ModelCatalogEntry> Entries { get; }

    /// <summary>
    /// Finds a model: by provider and id (or alias), else by id alone across providers; a dated snapshot id
    /// (<c>gpt-4o-mini-2024-07-18</c>) falls back to its undated model.
    /// </summary>
    /// <param name="provider">The provider (<c>OpenAI</c>, <c>Mistral</c>, …), or <see langword="null"/> for any.</param>
    /// <param name="model">The model id.</param>
    /// <returns>The entry, or <see langword="null"/> when the model is not known.</returns>
    ModelCatalogEntry? Find(string? provider, string? model);
}
