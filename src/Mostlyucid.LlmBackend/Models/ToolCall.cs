namespace Mostlyucid.LlmBackend.Models;

/// <summary>A function call the model asked for.</summary>
public sealed class ToolCall
{
    /// <summary>Gets or sets the call's id; send it back as <see cref="ChatMessage.ToolCallId"/> with the result.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>Gets or sets the function's name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets the arguments as the JSON text the model produced (an object, possibly invalid JSON).</summary>
    public string Arguments { get; set; } = "{}";

    /// <summary>
    /// Gets or sets an opaque signature the provider attached to this call and needs back unchanged with it on the next
    /// turn (Gemini's thought signatures).
    /// </summary>
    public string? Signature { get; set; }
}
