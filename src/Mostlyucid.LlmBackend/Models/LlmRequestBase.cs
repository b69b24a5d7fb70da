namespace Mostlyucid.LlmBackend.Models;

/// <summary>
/// Generation options shared by <see cref="LlmRequest"/> and <see cref="ChatRequest"/>. Every option is optional: a
/// <see langword="null"/> value means "use the backend's configured default, or the provider's".
/// </summary>
public abstract class LlmRequestBase
{
    /// <summary>Gets or sets the sampling temperature (0–2 for most providers).</summary>
    public double? Temperature { get; set; }

    /// <summary>Gets or sets the maximum number of tokens to generate.</summary>
    public int? MaxTokens { get; set; }

    /// <summary>
    /// Gets or sets the provider model to use instead of the backend's configured <c>ModelName</c>.
    /// </summary>
    public string? Model { get; set; }

    /// <summary>
    /// Gets or sets the name of the backend to try first. With the <c>Specific</c> selection strategy it is the only
    /// backend tried; with the others the remaining backends stay behind it as fallbacks.
    /// </summary>
    public string? PreferredBackend { get; set; }
}
