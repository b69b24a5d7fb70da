namespace Mostlyucid.LlmBackend.Models;

/// <summary>The vectors for an <see cref="EmbeddingRequest"/>, or the error.</summary>
public sealed class EmbeddingResponse
{
    /// <summary>Gets or sets a value indicating whether the texts were embedded.</summary>
    public bool Success { get; set; }

    /// <summary>Gets or sets one vector per input, in input order.</summary>
    public List<float[]> Embeddings { get; set; } = new();

    /// <summary>Gets or sets the model that embedded them.</summary>
    public string? ModelUsed { get; set; }

    /// <summary>Gets or sets the backend that embedded them.</summary>
    public string? BackendUsed { get; set; }

    /// <summary>Gets or sets the input tokens billed.</summary>
    public int PromptTokens { get; set; }

    /// <summary>Gets or sets the total tokens billed.</summary>
    public int TotalTokens { get; set; }

    /// <summary>Gets or sets what the embeddings cost in US dollars; <see langword="null"/> when the prices are not known.</summary>
    public decimal? CostUsd { get; set; }

    /// <summary>Gets or sets whether the vectors came from the response cache (no backend was called; <see cref="CostUsd"/> is 0).</summary>
    public bool CacheHit { get; set; }

    /// <summary>Gets or sets how long the request took, in milliseconds.</summary>
    public long DurationMs { get; set; }

    /// <summary>Gets or sets the error when <see cref="Success"/> is <see langword="false"/>.</summary>
    public LlmError? Error { get; set; }

    /// <summary>Gets or sets every backend attempt made (filled in by <c>ILlmService</c>).</summary>
    public IReadOnlyList<BackendAttempt> Attempts { get; set; } = Array.Empty<BackendAttempt>();
}
