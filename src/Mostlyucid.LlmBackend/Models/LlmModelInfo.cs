namespace Mostlyucid.LlmBackend.Models;

/// <summary>A model a backend offers.</summary>
public sealed record LlmModelInfo
{
    /// <summary>Gets the provider's model id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the backend that offers it.</summary>
    public string? BackendName { get; init; }

    /// <summary>Gets who owns it, as the provider says.</summary>
    public string? OwnedBy { get; init; }

    /// <summary>Gets a display name, when the provider has one.</summary>
    public string? DisplayName { get; init; }

    /// <summary>Gets the context window in tokens, when the provider says.</summary>
    public int? ContextLength { get; init; }

    /// <summary>Gets when it was created, when the provider says.</summary>
    public DateTimeOffset? Created { get; init; }
}
