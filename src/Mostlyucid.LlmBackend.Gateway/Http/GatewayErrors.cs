using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.Http;

/// <summary>
/// The HTTP status each pipeline error becomes. Problems with the backends' own credentials are the gateway's problem,
/// not the caller's, so they are 502 — a 401 would tell the client its gateway key is wrong.
/// </summary>
internal static class GatewayErrors
{
    public static int StatusFor(LlmError error) => error.Kind switch
    {
        LlmErrorKind.InvalidRequest or LlmErrorKind.ContextLengthExceeded or LlmErrorKind.ContentFiltered => 400,
        LlmErrorKind.NotFound => 404,
        LlmErrorKind.RateLimited => 429,
        LlmErrorKind.Timeout => 504,
        LlmErrorKind.NoBackendAvailable or LlmErrorKind.CircuitOpen => 503,
        _ => 502,
    };

    /// <summary>Adds <c>Retry-After</c> (whole seconds, rounded up) and <c>retry-after-ms</c> when the error carries a wait.</summary>
    public static void AddRetryAfter(Microsoft.AspNetCore.Http.HttpResponse response, TimeSpan? wait)
    {
        if (wait is not { } delay)
        {
            return;
        }

        response.Headers.RetryAfter = Math.Max(0, (int)Math.Ceiling(delay.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["retry-after-ms"] = Math.Max(0, (long)Math.Ceiling(delay.TotalMilliseconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
