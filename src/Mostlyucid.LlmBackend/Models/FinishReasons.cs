namespace Mostlyucid.LlmBackend.Models;

/// <summary>
/// The finish reasons providers' own values are mapped to (OpenAI's vocabulary), so callers and the gateway see one set.
/// </summary>
public static class FinishReasons
{
    /// <summary>The model finished, or hit a stop sequence.</summary>
    public const string Stop = "stop";

    /// <summary>The output token limit was reached.</summary>
    public const string Length = "length";

    /// <summary>The model stopped to have tools called.</summary>
    public const string ToolCalls = "tool_calls";

    /// <summary>The provider's content policy stopped the output.</summary>
    public const string ContentFilter = "content_filter";
}
