namespace Mostlyucid.LlmBackend.Models;

/// <summary>
/// What the model catalog knows about one model: its prices in US dollars per million tokens, its limits and what it can
/// do. From the catalog shipped with the library (the providers' public pricing pages), or from configuration
/// (<c>LlmSettings:ModelCatalog</c>), which overrides and extends it.
/// </summary>
public sealed record ModelCatalogEntry
{
    /// <summary>Gets the provider (<c>OpenAI</c>, <c>Anthropic</c>, <c>Gemini</c>, <c>Mistral</c>, …), or <see langword="null"/> for a model of any provider.</summary>
    public string? Provider { get; init; }

    /// <summary>Gets the model's id as the provider's API names it.</summary>
    public required string Model { get; init; }

    /// <summary>Gets other ids for the same model and prices (dated snapshots, <c>-latest</c> aliases).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = Array.Empty<string>();

    /// <summary>Gets the price of a million prompt tokens, in US dollars.</summary>
    public decimal? InputPerMillion { get; init; }

    /// <summary>Gets the price of a million generated tokens (reasoning tokens included), in US dollars.</summary>
    public decimal? OutputPerMillion { get; init; }

    /// <summary>Gets the price of a million prompt tokens read from the provider's prompt cache; <see cref="InputPerMillion"/> when not given.</summary>
    public decimal? CachedInputPerMillion { get; init; }

    /// <summary>Gets the context window: the most prompt tokens the model takes.</summary>
    public int? ContextWindow { get; init; }

    /// <summary>Gets the most tokens the model generates in one answer.</summary>
    public int? MaxOutputTokens { get; init; }

    /// <summary>Gets what the model can do: <c>chat</c>, <c>tools</c>, <c>vision</c>, <c>json_schema</c>, <c>embeddings</c>, <c>reasoning</c>.</summary>
    public IReadOnlyList<string> Capabilities { get; init; } = Array.Empty<string>();

    /// <summary>Gets where the entry comes from: <c>catalog</c> (shipped with the library) or <c>configuration</c>.</summary>
    public string Source { get; init; } = "catalog";
}
