namespace Mostlyucid.LlmBackend.Models;

/// <summary>
/// One message of a conversation. Plain text goes in <see cref="Content"/>; a multimodal message lists its
/// <see cref="Parts"/> (then <see cref="Content"/> is ignored by providers that read parts). Assistant messages may carry
/// <see cref="ToolCalls"/> and <see cref="Reasoning"/>; tool messages answer a call with <see cref="ToolCallId"/>.
/// </summary>
public class ChatMessage
{
    /// <summary>Gets or sets who wrote the message: see <see cref="ChatRole"/> (<c>system</c>, <c>user</c>, <c>assistant</c>, <c>tool</c>).</summary>
    public string Role { get; set; } = ChatRole.User;

    /// <summary>Gets or sets the message text.</summary>
    public string Content { get; set; } = string.Empty;

    /// <summary>Gets or sets the parts of a multimodal message (text and images), in order.</summary>
    public List<ContentPart>? Parts { get; set; }

    /// <summary>Gets or sets the tool calls an assistant message made.</summary>
    public List<ToolCall>? ToolCalls { get; set; }

    /// <summary>Gets or sets, on a <c>tool</c> message, the id of the call it answers.</summary>
    public string? ToolCallId { get; set; }

    /// <summary>Gets or sets a participant name, or on a <c>tool</c> message the function's name (some providers need it).</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets the reasoning ("thinking") an assistant message showed, to send back on the next turn.</summary>
    public string? Reasoning { get; set; }

    /// <summary>Gets or sets the provider's signature of <see cref="Reasoning"/> (Anthropic needs it back unchanged).</summary>
    public string? ReasoningSignature { get; set; }

    /// <summary>Gets the parts to send: <see cref="Parts"/> when set, else one text part from <see cref="Content"/> (none when empty).</summary>
    /// <returns>The parts.</returns>
    public IReadOnlyList<ContentPart> GetParts() =>
        Parts is { Count: > 0 } parts ? parts
        : string.IsNullOrEmpty(Content) ? Array.Empty<ContentPart>()
        : new[] { ContentPart.FromText(Content) };

    /// <summary>
    /// Gets the message's text with its text parts joined by <paramref name="separator"/> — how a system prompt given as
    /// several blocks becomes one string (<c>"\n\n"</c>: a blank line between blocks).
    /// </summary>
    /// <param name="separator">What goes between two text parts.</param>
    /// <returns>The text.</returns>
    public string GetText(string separator)
    {
        if (Parts is not { Count: > 0 } parts)
        {
            return Content;
        }

        var texts = parts.Where(p => p.Kind == ContentPartKind.Text && p.Text is not null).Select(p => p.Text!).ToArray();
        return texts.Length == 0 ? Content : string.Join(separator, texts);
    }

    /// <summary>Gets the message's text: <see cref="Content"/>, or the text parts joined when the message has parts.</summary>
    /// <returns>The text.</returns>
    public string GetText()
    {
        if (Parts is not { Count: > 0 } parts)
        {
            return Content;
        }

        var texts = parts.Where(p => p.Kind == ContentPartKind.Text && p.Text is not null).Select(p => p.Text!).ToArray();
        return texts.Length == 0 ? Content : string.Concat(texts);
    }
}
