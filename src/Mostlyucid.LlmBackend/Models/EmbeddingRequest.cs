namespace Mostlyucid.LlmBackend.Models;

/// <summary>Texts to embed, in one batch.</summary>
public sealed class EmbeddingRequest
{
    /// <summary>Gets or sets the texts; the response has one vector per text, in the same order.</summary>
    public List<string> Inputs { get; set; } = new();

    /// <summary>Gets or sets the embedding model instead of the backend's <c>EmbeddingModelName</c>.</summary>
    public string? Model { get; set; }

    /// <summary>Gets or sets the number of dimensions to return, for models that can shorten their vectors.</summary>
    public int? Dimensions { get; set; }

    /// <summary>
    /// Gets or sets what the texts are for, for providers that embed differently by use (Cohere's <c>input_type</c>,
    /// Gemini's <c>taskType</c>): <c>search_document</c>, <c>search_query</c>, <c>classification</c>, <c>clustering</c>.
    /// </summary>
    public string? InputType { get; set; }

    /// <summary>Gets or sets the backend to try first (see <see cref="LlmRequestBase.PreferredBackend"/>).</summary>
    public string? PreferredBackend { get; set; }
}
