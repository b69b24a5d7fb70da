namespace Mostlyucid.LlmBackend.Models;

/// <summary>
/// A piece of a streamed tool call. The first update for a call (by <see cref="Index"/>) carries its <see cref="Id"/> and
/// <see cref="Name"/>; later ones append <see cref="ArgumentsDelta"/> to its arguments.
/// </summary>
public sealed class ToolCallUpdate
{
    /// <summary>Gets or sets the call's position among this answer's tool calls (0, 1, …).</summary>
    public int Index { get; set; }

    /// <summary>Gets or sets the call's id (first update of the call only).</summary>
    public string? Id { get; set; }

    /// <summary>Gets or sets the function's name (first update of the call only).</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets the next fragment of the arguments' JSON text.</summary>
    public string? ArgumentsDelta { get; set; }

    /// <summary>Gets or sets the provider's signature of the call (see <see cref="ToolCall.Signature"/>), when it sends one.</summary>
    public string? Signature { get; set; }
}
