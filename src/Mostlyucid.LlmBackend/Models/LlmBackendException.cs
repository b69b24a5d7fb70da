namespace Mostlyucid.LlmBackend.Models;

/// <summary>A request failed; <see cref="Error"/> says how and <see cref="Attempts"/> which backends were tried.</summary>
public sealed class LlmBackendException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="LlmBackendException"/> class.</summary>
    /// <param name="error">The typed error.</param>
    /// <param name="attempts">The attempts made.</param>
    public LlmBackendException(LlmError error, IReadOnlyList<BackendAttempt> attempts)
        : base(error?.Message)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
        Attempts = attempts ?? Array.Empty<BackendAttempt>();
    }

    /// <summary>Initializes a new instance of the <see cref="LlmBackendException"/> class.</summary>
    public LlmBackendException()
        : this(new LlmError { Kind = LlmErrorKind.Unknown, Message = "The request failed." }, Array.Empty<BackendAttempt>())
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmBackendException"/> class.</summary>
    /// <param name="message">The message.</param>
    public LlmBackendException(string message)
        : this(new LlmError { Kind = LlmErrorKind.Unknown, Message = message }, Array.Empty<BackendAttempt>())
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmBackendException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public LlmBackendException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = new LlmError { Kind = LlmErrorKind.Unknown, Message = message };
        Attempts = Array.Empty<BackendAttempt>();
    }

    /// <summary>Gets the typed error.</summary>
    public LlmError Error { get; }

    /// <summary>Gets the backend attempts made before giving up.</summary>
    public IReadOnlyList<BackendAttempt> Attempts { get; }
}
