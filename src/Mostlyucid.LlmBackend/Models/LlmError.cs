namespace Mostlyucid.LlmBackend.Models;

/// <summary>A typed description of a failed request, carried on <see cref="LlmResponse.Error"/>.</summary>
public sealed record LlmError
{
    /// <summary>Gets what went wrong.</summary>
    public required LlmErrorKind Kind { get; init; }

    /// <summary>Gets a message for people: what failed and, where known, what to do.</summary>
    public required string Message { get; init; }

    /// <summary>Gets the HTTP status the provider answered with, when there was one.</summary>
    public int? StatusCode { get; init; }

    /// <summary>Gets the provider's own error code or type (for example <c>context_length_exceeded</c>).</summary>
    public string? ProviderCode { get; init; }

    /// <summary>Gets how long the provider asked callers to wait before retrying, when it said.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Gets the name of the backend that reported the error, when one did.</summary>
    public string? BackendName { get; init; }

    /// <summary>
    /// Gets the request parameter at fault, as the HTTP APIs name it (for example <c>temperature</c> or
    /// <c>messages[2].content</c>), when the request was refused before any backend was called.
    /// </summary>
    public string? Parameter { get; init; }

    /// <summary>Gets the exception behind an <see cref="LlmErrorKind.Internal"/> error, for the log only (never shown to callers).</summary>
    internal Exception? Cause { get; init; }
}
