namespace Mostlyucid.LlmBackend.Tokens;

/// <summary>How many tokens a request's input takes, and how sure that number is.</summary>
public sealed class TokenCount
{
    /// <summary>Gets the input tokens: system prompt, messages and tool definitions.</summary>
    public int InputTokens { get; init; }

    /// <summary>
    /// Gets whether <see cref="InputTokens"/> is an estimate (from <see cref="Tokenizer"/>) rather than the provider's own
    /// count. Estimates are close for OpenAI models and within some percent for other providers' tokenizers.
    /// </summary>
    public bool IsEstimate { get; init; }

    /// <summary>Gets the tokenizer an estimate used (<c>o200k_base</c> or <c>cl100k_base</c>); <see langword="null"/> when exact.</summary>
    public string? Tokenizer { get; init; }

    /// <summary>Gets the backend the request would go to (and that counted, when exact); <see langword="null"/> when none could be chosen.</summary>
    public string? BackendName { get; init; }

    /// <summary>Gets the model counted for.</summary>
    public string? Model { get; init; }

    /// <summary>Gets that backend's context window in tokens (configured <c>MaxInputTokens</c>, else the model catalog's), when known.</summary>
    public int? ContextWindow { get; init; }

    /// <summary>Gets whether the input, plus <paramref name="outputTokens"/> to generate, fits the context window; <see langword="null"/> when the window is not known.</summary>
    /// <param name="outputTokens">The tokens the answer may take.</param>
    /// <returns>Whether it fits.</returns>
    public bool? Fits(int outputTokens = 0) => ContextWindow is { } window ? InputTokens + Math.Max(0, outputTokens) <= window : null;
}
