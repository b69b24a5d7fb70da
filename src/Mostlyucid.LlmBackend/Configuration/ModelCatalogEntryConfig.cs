namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>
/// A model in <c>LlmSettings:ModelCatalog</c>: prices (US dollars per million tokens), limits and capabilities for a model
/// the shipped catalog lacks, or that replace its figures (same <see cref="Provider"/> and <see cref="Model"/>).
/// </summary>
public sealed class ModelCatalogEntryConfig
{
    /// <summary>Gets or sets the provider (<c>OpenAI</c>, <c>Mistral</c>, a plugin's type, …); empty for a model of any provider.</summary>
    public string? Provider { get; set; }

    /// <summary>Gets or sets the model id as requests name it (required).</summary>
    public string Model { get; set; } = string.Empty;

    /// <summary>Gets or sets other ids with the same prices.</summary>
    public List<string> Aliases { get; set; } = new();

    /// <summary>Gets or sets the price of a million prompt tokens.</summary>
    public decimal? InputPerMillion { get; set; }

    /// <summary>Gets or sets the price of a million generated tokens.</summary>
    public decimal? OutputPerMillion { get; set; }

    /// <summary>Gets or sets the price of a million cached prompt tokens.</summary>
    public decimal? CachedInputPerMillion { get; set; }

    /// <summary>Gets or sets the context window in tokens.</summary>
    public int? ContextWindow { get; set; }

    /// <summary>Gets or sets the most tokens one answer may have.</summary>
    public int? MaxOutputTokens { get; set; }

    /// <summary>Gets or sets capabilities: <c>chat</c>, <c>tools</c>, <c>vision</c>, <c>json_schema</c>, <c>embeddings</c>, <c>reasoning</c>.</summary>
    public List<string> Capabilities { get; set; } = new();
}
