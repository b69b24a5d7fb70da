namespace Mostlyucid.LlmBackend.Models;

/// <summary>A single-prompt completion request.</summary>
public class LlmRequest : LlmRequestBase
{
    /// <summary>Gets or sets the prompt text.</summary>
    public string Prompt { get; set; } = string.Empty;

    /// <summary>Gets or sets an optional system prompt sent ahead of <see cref="Prompt"/>.</summary>
    public string? SystemPrompt { get; set; }
}
