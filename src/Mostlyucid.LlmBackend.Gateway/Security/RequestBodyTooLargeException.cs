namespace Mostlyucid.LlmBackend.Gateway.Security;

/// <summary>A request body grew past <c>Gateway:MaxRequestBodyBytes</c> while it was read.</summary>
internal sealed class RequestBodyTooLargeException : IOException
{
    public RequestBodyTooLargeException(long limit)
        : base($"The request body is larger than this gateway accepts ({limit} bytes, Gateway:MaxRequestBodyBytes).")
    {
        Limit = limit;
    }

    public RequestBodyTooLargeException()
        : this(0)
    {
    }

    public RequestBodyTooLargeException(string message)
        : base(message)
    {
    }

    public RequestBodyTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the limit in bytes.</summary>
    public long Limit { get; }
}
