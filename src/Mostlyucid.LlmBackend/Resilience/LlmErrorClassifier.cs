using System.Net;
using System.Net.Sockets;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Resilience;

/// <summary>
/// Turns what a provider or plugin reported (an HTTP status with the provider's own code, an error code string from
/// <c>CreateErrorResponse</c>, or an exception) into one <see cref="LlmErrorKind"/>.
/// </summary>
internal static class LlmErrorClassifier
{
    private static readonly string[] ContextLengthMarkers =
    {
        "context_length_exceeded", "context length", "maximum context", "too many tokens", "prompt is too long", "string_above_max_length",
    };

    private static readonly string[] ContentFilterMarkers =
    {
        "content_filter", "content_policy", "content policy", "content management policy", "safety",
    };

    /// <summary>Classifies an HTTP error status, refined by the provider's error code or type and message.</summary>
    /// <param name="status">The HTTP status code.</param>
    /// <param name="providerCode">The provider's error code or type, if any.</param>
    /// <param name="message">The provider's message, if any.</param>
    /// <returns>The kind.</returns>
    public static LlmErrorKind FromStatus(int status, string? providerCode, string? message)
    {
        if (status is 400 or 413 or 422)
        {
            if (Mentions(providerCode, ContextLengthMarkers) || Mentions(message, ContextLengthMarkers) || status == 413)
            {
                return LlmErrorKind.ContextLengthExceeded;
            }

            if (Mentions(providerCode, ContentFilterMarkers))
            {
                return LlmErrorKind.ContentFiltered;
            }

            return LlmErrorKind.InvalidRequest;
        }

        return status switch
        {
            401 => LlmErrorKind.Unauthorized,
            403 => Mentions(providerCode, ContentFilterMarkers) ? LlmErrorKind.ContentFiltered : LlmErrorKind.Forbidden,
            404 => LlmErrorKind.NotFound,
            408 => LlmErrorKind.Timeout,
            429 => LlmErrorKind.RateLimited,
            >= 500 and <= 599 => LlmErrorKind.ServerError,

            // Any other 4xx (405, 409, 415, 431, …) refuses this request, and says nothing about the backend's health.
            >= 400 and <= 499 => LlmErrorKind.InvalidRequest,
            _ => LlmErrorKind.Unknown,
        };
    }

    /// <summary>
    /// Classifies the code a plugin passed to <c>CreateErrorResponse</c>: an <see cref="HttpStatusCode"/> name or number
    /// (the plugin guide passes <c>response.StatusCode.ToString()</c>), or one of the guide's own codes.
    /// </summary>
    /// <param name="code">The code.</param>
    /// <param name="message">The message, used to refine 400s.</param>
    /// <returns>The kind and, when the code was a status, the status.</returns>
    public static (LlmErrorKind Kind, int? Status) FromErrorCode(string? code, string? message)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return (LlmErrorKind.Unknown, null);
        }

        if (int.TryParse(code, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) && number is >= 100 and <= 599)
        {
            return (FromStatus(number, null, message), number);
        }

        if (Enum.TryParse<HttpStatusCode>(code, ignoreCase: true, out var named) && !code.Any(char.IsDigit))
        {
            return (FromStatus((int)named, null, message), (int)named);
        }

        return code.ToUpperInvariant() switch
        {
            "HTTPERROR" or "NETWORK" or "CONNECTIONERROR" => (LlmErrorKind.Network, null),
            "TIMEOUT" or "TASKCANCELED" => (LlmErrorKind.Timeout, null),
            "DESERIALIZATIONERROR" or "INVALIDRESPONSE" => (LlmErrorKind.InvalidResponse, null),
            _ => (LlmErrorKind.Unknown, null),
        };
    }

    /// <summary>
    /// Classifies an exception thrown by a backend. Only exceptions that say something about the provider (HTTP, the
    /// network, time, unreadable answers) are the backend's; anything else is a failure of the code itself
    /// (<see cref="LlmErrorKind.Internal"/>), which must not be held against the backend.
    /// </summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The kind.</returns>
    public static LlmErrorKind FromException(Exception exception) => exception switch
    {
        HttpRequestException { StatusCode: { } status } => FromStatus((int)status, null, exception.Message),
        _ when IsUnreachable(exception) => LlmErrorKind.Unreachable,
        HttpRequestException or SocketException or IOException => LlmErrorKind.Network,
        TimeoutException or OperationCanceledException => LlmErrorKind.Timeout,
        System.Text.Json.JsonException => LlmErrorKind.InvalidResponse,
        _ => LlmErrorKind.Internal,
    };

    /// <summary>
    /// Gets whether an exception says the backend could not be reached at all — refused, unresolvable, unroutable, or a
    /// failed TLS handshake — rather than that a connection broke once made.
    /// </summary>
    public static bool IsUnreachable(Exception exception)
    {
        if (exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError })
        {
            return true;
        }

        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.NoData or SocketError.TryAgain }
                or System.Security.Authentication.AuthenticationException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Decides what a failure means for the request: retried on the same backend, failed over, failed over only to larger
    /// context windows, or fatal. Rate limits, 5xx, resets and garbled answers are retried; a time limit (a silent backend),
    /// an unreachable backend and an unknown model fail over at once; a prompt too long for the context window goes to larger windows only; a bad request,
    /// a content-policy refusal and rejected credentials stop the request, since no other attempt would do better. An
    /// internal failure fails over: another backend's code path may well work.
    /// </summary>
    public static ErrorDisposition Disposition(LlmError error) => error.Kind switch
    {
        LlmErrorKind.RateLimited or LlmErrorKind.ServerError or LlmErrorKind.Network or LlmErrorKind.InvalidResponse => ErrorDisposition.RetrySameBackend,
        LlmErrorKind.ContextLengthExceeded => ErrorDisposition.FailOverToLargerContext,
        LlmErrorKind.InvalidRequest or LlmErrorKind.ContentFiltered or LlmErrorKind.Unauthorized or LlmErrorKind.Forbidden => ErrorDisposition.Fatal,
        _ => ErrorDisposition.FailOver,
    };

    /// <summary>
    /// Gets whether a failure says something about the backend's health (and so counts in its statistics and for its
    /// circuit breaker). A refused request, a refused credential and an internal failure do not.
    /// </summary>
    public static bool CountsAgainstBackend(LlmError error) =>
        error.Kind is LlmErrorKind.RateLimited or LlmErrorKind.ServerError or LlmErrorKind.Network or LlmErrorKind.Unreachable or LlmErrorKind.InvalidResponse or LlmErrorKind.Timeout or LlmErrorKind.Unknown;

    private static bool Mentions(string? text, string[] markers)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        foreach (var marker in markers)
        {
            if (text.Contains(marker, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
