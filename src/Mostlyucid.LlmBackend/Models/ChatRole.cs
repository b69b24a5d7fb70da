namespace Mostlyucid.LlmBackend.Models;

/// <summary>The role names used in <see cref="ChatMessage.Role"/>.</summary>
public static class ChatRole
{
    /// <summary>Instructions that frame the conversation.</summary>
    public const string System = "system";

    /// <summary>The person or program asking.</summary>
    public const string User = "user";

    /// <summary>The model's earlier answers (and the tool calls it made).</summary>
    public const string Assistant = "assistant";

    /// <summary>A tool's result, answering the call named by <see cref="ChatMessage.ToolCallId"/>.</summary>
    public const string Tool = "tool";
}
