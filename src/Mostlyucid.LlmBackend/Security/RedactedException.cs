namespace Mostlyucid.LlmBackend.Security;

/// <summary>
/// Stands in for an exception whose text held a secret: the same type name, message and stack trace, redacted, so the
/// log still shows where it came from.
/// </summary>
internal sealed class RedactedException : Exception
{
    private readonly string _text;

    private RedactedException(string message, string text)
        : base(message)
    {
        _text = text;
    }

    /// <summary>Gets the exception itself when its text holds no secret, otherwise a redacted stand-in.</summary>
    /// <param name="exception">The exception.</param>
    /// <param name="redactor">The redactor.</param>
    /// <returns>The exception to log.</returns>
    public static Exception From(Exception exception, SecretRedactor redactor)
    {
        var text = exception.ToString();
        var redacted = redactor.Redact(text);
        return ReferenceEquals(text, redacted) ? exception : new RedactedException(redactor.Redact(exception.Message), redacted);
    }

    public override string ToString() => _text;
}
