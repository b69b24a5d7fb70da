namespace Mostlyucid.LlmBackend.FakeProvider.Brain;

/// <summary>One message of a conversation, whatever wire format it arrived in.</summary>
public sealed class FakeMessage
{
    /// <summary>Gets or sets <c>user</c>, <c>assistant</c> or <c>tool</c> (system prompts go to <see cref="FakeConversation.System"/>).</summary>
    public string Role { get; set; } = "user";

    /// <summary>Gets or sets the text (a tool message's result text).</summary>
    public string Text { get; set; } = string.Empty;

    /// <summary>Gets the images, each described as "url:&lt;url&gt;" or "bytes:&lt;media type&gt;:&lt;byte count&gt;".</summary>
    public List<string> Images { get; } = new();

    /// <summary>Gets the tool calls an assistant message made.</summary>
    public List<FakeToolCall> ToolCalls { get; } = new();

    /// <summary>Gets or sets, on a tool message, the call it answers.</summary>
    public string? ToolCallId { get; set; }
}
