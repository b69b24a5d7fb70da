namespace Mostlyucid.LlmBackend.Models;

/// <summary>One message of a conversation.</summary>
public class ChatMessage
{
    /// <summary>Gets or sets who wrote the message: see <see cref="ChatRole"/> (<c>system</c>, <c>user</c>, <c>assistant</c>).</summary>
    public string Role { get; set; } = ChatRole.User;

    /// <summary>Gets or sets the message text.</summary>
    public string Content { get; set; } = string.Empty;
}
