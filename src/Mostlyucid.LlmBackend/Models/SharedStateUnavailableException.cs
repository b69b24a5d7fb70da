namespace Mostlyucid.LlmBackend.Models;

/// <summary>The shared state (Redis) could not be reached; the message never holds the connection string or password.</summary>
public sealed class SharedStateUnavailableException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="SharedStateUnavailableException"/> class.</summary>
    public SharedStateUnavailableException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SharedStateUnavailableException"/> class.</summary>
    /// <param name="message">What failed (redacted).</param>
    public SharedStateUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SharedStateUnavailableException"/> class.</summary>
    /// <param name="message">What failed (redacted).</param>
    /// <param name="innerException">The client's exception.</param>
    public SharedStateUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
