namespace Mostlyucid.LlmBackend.Models;

/// <summary>A name a request's <c>Model</c> can use, and the backends it reaches.</summary>
public sealed record RoutableModel
{
    /// <summary>Gets the name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets what the name stands for.</summary>
    public required RoutableModelKind Kind { get; init; }

    /// <summary>Gets the ready backends it reaches.</summary>
    public required IReadOnlyList<string> Backends { get; init; }
}
