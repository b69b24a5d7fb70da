namespace Mostlyucid.LlmBackend.Models;

/// <summary>One try of one backend while serving a request.</summary>
public sealed record BackendAttempt
{
    /// <summary>Gets the backend's name.</summary>
    public required string BackendName { get; init; }

    /// <summary>Gets the model the backend reported (or was configured with).</summary>
    public string? Model { get; init; }

    /// <summary>Gets a value indicating whether this attempt produced the answer.</summary>
    public bool Success { get; init; }

    /// <summary>Gets how long the attempt took.</summary>
    public long DurationMs { get; init; }

    /// <summary>Gets how long a streamed attempt took to produce its first update, when it produced one.</summary>
    public long? TimeToFirstTokenMs { get; init; }

    /// <summary>Gets why the attempt failed, when it did.</summary>
    public LlmError? Error { get; init; }

    /// <summary>
    /// Gets, for a failed attempt the provider billed anyway (a stream cut after output), the tokens it used; estimated
    /// from the text (four characters a token) when the provider reported none (<see cref="UsageEstimated"/>).
    /// </summary>
    public LlmUsage? Usage { get; init; }

    /// <summary>Gets whether <see cref="Usage"/> was estimated rather than reported by the provider.</summary>
    public bool UsageEstimated { get; init; }

    /// <summary>Gets why the attempt was made (<see cref="AttemptRole.Request"/> unless it was a hedge or a stream's rescue).</summary>
    public AttemptRole Role { get; init; }

    /// <summary>
    /// Gets a value indicating whether the attempt was stopped because another one answered first (a hedge's loser).
    /// Nothing of it reached the caller, but the provider may bill it: <see cref="Usage"/> then estimates the prompt.
    /// </summary>
    public bool Cancelled { get; init; }
}
