namespace Mostlyucid.LlmBackend.Models;

/// <summary>The models of one or all backends, with the backends that could not list theirs.</summary>
public sealed record ModelListResult
{
    /// <summary>Gets the models, grouped by backend in configuration order.</summary>
    public IReadOnlyList<LlmModelInfo> Models { get; init; } = Array.Empty<LlmModelInfo>();

    /// <summary>Gets one error per backend that failed to list its models.</summary>
    public IReadOnlyList<LlmError> Errors { get; init; } = Array.Empty<LlmError>();
}
