using System.Text.Json;

namespace Mostlyucid.LlmBackend.Models;

/// <summary>
/// Generation options shared by <see cref="LlmRequest"/> and <see cref="ChatRequest"/>. Every option is optional: a
/// <see langword="null"/> value means "use the backend's configured default, or the provider's". Providers that do not
/// support an option leave it out rather than fail.
/// </summary>
public abstract class LlmRequestBase
{
    /// <summary>Gets or sets the sampling temperature (0–2 for most providers).</summary>
    public double? Temperature { get; set; }

    /// <summary>Gets or sets the maximum number of tokens to generate.</summary>
    public int? MaxTokens { get; set; }

    /// <summary>Gets or sets nucleus sampling's probability mass.</summary>
    public double? TopP { get; set; }

    /// <summary>Gets or sets top-k sampling (Anthropic, Gemini, Ollama, Cohere).</summary>
    public int? TopK { get; set; }

    /// <summary>Gets or sets sequences that end generation.</summary>
    public List<string>? Stop { get; set; }

    /// <summary>Gets or sets a seed for repeatable sampling, where supported.</summary>
    public long? Seed { get; set; }

    /// <summary>Gets or sets the frequency penalty (−2 to 2), where supported.</summary>
    public double? FrequencyPenalty { get; set; }

    /// <summary>Gets or sets the presence penalty (−2 to 2), where supported.</summary>
    public double? PresencePenalty { get; set; }

    /// <summary>
    /// Gets or sets the provider model to use instead of the backend's configured <c>ModelName</c>.
    /// </summary>
    public string? Model { get; set; }

    /// <summary>
    /// Gets or sets the name of the backend to try first. With the <c>Specific</c> selection strategy it is the only
    /// backend tried; with the others the remaining backends stay behind it as fallbacks.
    /// </summary>
    public string? PreferredBackend { get; set; }

    /// <summary>Gets or sets an end-user id passed to providers that take one (for abuse monitoring).</summary>
    public string? User { get; set; }

    /// <summary>
    /// Gets or sets provider-specific fields merged into the request body as they are (top-level JSON properties), for
    /// options this model does not cover.
    /// </summary>
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }

    /// <summary>
    /// Gets or sets what a caller sent in one provider's wire format that this model does not cover: sent on to backends of
    /// that format only, and left out (with a Debug log) everywhere else. The gateway fills it; see
    /// <see cref="ProviderPassThrough"/>.
    /// </summary>
    public ProviderPassThrough? PassThrough { get; set; }

    /// <summary>Makes a shallow copy asking for another model (used when the request's model was a routing key).</summary>
    /// <param name="model">The model for the copy.</param>
    /// <returns>The copy.</returns>
    internal LlmRequestBase WithModel(string? model)
    {
        var copy = (LlmRequestBase)MemberwiseClone();
        copy.Model = model;
        return copy;
    }
}
