namespace Mostlyucid.LlmBackend.Models;

/// <summary>A conversation to continue.</summary>
public class ChatRequest : LlmRequestBase
{
    /// <summary>Gets or sets the messages so far, oldest first.</summary>
    public List<ChatMessage> Messages { get; set; } = new();
}
