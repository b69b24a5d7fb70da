namespace Mostlyucid.LlmBackend.Models;

/// <summary>Constrains tool calling for a request (<see cref="ChatRequest.ToolChoice"/>).</summary>
public sealed class ToolChoice
{
    /// <summary>Gets the "model decides" choice.</summary>
    public static ToolChoice Auto { get; } = new() { Mode = ToolChoiceMode.Auto };

    /// <summary>Gets the "no tool calls" choice.</summary>
    public static ToolChoice None { get; } = new() { Mode = ToolChoiceMode.None };

    /// <summary>Gets the "must call a tool" choice.</summary>
    public static ToolChoice Required { get; } = new() { Mode = ToolChoiceMode.Required };

    /// <summary>Gets or sets the mode.</summary>
    public ToolChoiceMode Mode { get; set; }

    /// <summary>Gets or sets the function to call when <see cref="Mode"/> is <see cref="ToolChoiceMode.Function"/>.</summary>
    public string? FunctionName { get; set; }

    /// <summary>Creates a choice that forces a call to one function.</summary>
    /// <param name="name">The function's name.</param>
    /// <returns>The choice.</returns>
    public static ToolChoice ForFunction(string name) => new() { Mode = ToolChoiceMode.Function, FunctionName = name };
}
