namespace Mostlyucid.LlmBackend.Models;

/// <summary>Token counts reported by a provider, as carried by a streamed update.</summary>
public sealed class LlmUsage
{
    /// <summary>Gets or sets the tokens in the prompt.</summary>
    public int PromptTokens { get; set; }

    /// <summary>Gets or sets the tokens generated.</summary>
    public int CompletionTokens { get; set; }

    /// <summary>Gets or sets the total tokens billed.</summary>
    public int TotalTokens { get; set; }

    /// <summary>Gets or sets the prompt tokens served from cache.</summary>
    public int CachedPromptTokens { get; set; }

    /// <summary>Gets or sets the tokens spent on reasoning.</summary>
    public int ReasoningTokens { get; set; }
}
