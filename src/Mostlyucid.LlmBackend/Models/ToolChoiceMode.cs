namespace Mostlyucid.LlmBackend.Models;

/// <summary>Whether and which tools the model must call.</summary>
public enum ToolChoiceMode
{
    /// <summary>The model decides.</summary>
    Auto = 0,

    /// <summary>No tool calls.</summary>
    None,

    /// <summary>At least one tool call.</summary>
    Required,

    /// <summary>A call to <see cref="ToolChoice.FunctionName"/>.</summary>
    Function,
}
