using Mostlyucid.LlmBackend.Interfaces;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Security;

namespace Mostlyucid.LlmBackend.Gateway.Http;

/// <summary>
/// The HTTP status each pipeline error becomes. Problems with the backends' own credentials are the gateway's problem,
/// not the caller's, so they are 502 — a 401 would tell the client its gateway key is wrong. So is an upstream 404: the
/// client's model was checked before anything was sent (<see cref="ModelAccess"/>: an unknown one is a 404 there), so a
/// provider that does not know the model it was sent means a backend is configured with a model its provider lacks.
/// </summary>
internal static class GatewayErrors
{
    public static int StatusFor(LlmError error) => error.Kind switch
    {
        LlmErrorKind.InvalidRequest or LlmErrorKind.ContextLengthExceeded or LlmErrorKind.ContentFiltered => 400,
        LlmErrorKind.RateLimited or LlmErrorKind.BudgetExceeded => 429,
        LlmErrorKind.Timeout => 504,
        LlmErrorKind.NoBackendAvailable or LlmErrorKind.CircuitOpen => 503,
        LlmErrorKind.Internal => 500,
        _ => 502,
    };

    /// <summary>
    /// The message a client sees for an error: for a failure of the gateway itself only that it happened and the request
    /// id to quote (the details are in the log), otherwise the error's message with every secret redacted — including
    /// any a provider echoed back.
    /// </summary>
    public static string ClientMessage(HttpContext context, LlmError error)
    {
        if (error.Kind == LlmErrorKind.Internal)
        {
            return $"The gateway failed while handling this request (request id {GatewayHeaders.EnsureRequestId(context)}). This is a fault in the gateway, not in the request or a provider; it has been logged.";
        }

        if (error.Kind == LlmErrorKind.NotFound)
        {
            return Redact(context, UpstreamModelMissing(context, error));
        }

        return Redact(context, error.Message);
    }

    /// <summary>The message for an upstream 404: for the operator, naming the backend and the model it is configured with.</summary>
    private static string UpstreamModelMissing(HttpContext context, LlmError error)
    {
        var backend = error.BackendName ?? "(unknown)";
        var model = context.RequestServices?.GetService<ILlmService>()?.GetBackends()
            .FirstOrDefault(b => string.Equals(b.Name, backend, StringComparison.OrdinalIgnoreCase))?.ModelName;
        return $"The gateway's backend '{backend}' is misconfigured: its provider does not know the model "
            + (model is null ? "it was sent" : $"'{model}' it is configured with")
            + " (the provider answered 404). This is the gateway operator's to fix (the backend's ModelName or BaseUrl), not the request's. "
            + $"The provider said: {error.Message}";
    }

    /// <summary>Removes every secret the gateway knows of, and anything shaped like a provider key, from a message.</summary>
    public static string Redact(HttpContext context, string message) =>
        context.RequestServices?.GetService<SecretRedactor>() is { } redactor ? redactor.Redact(message) : message;

    /// <summary>Adds <c>Retry-After</c> (whole seconds, rounded up) and <c>retry-after-ms</c> when the error carries a wait.</summary>
    public static void AddRetryAfter(HttpResponse response, TimeSpan? wait)
    {
        if (wait is not { } delay)
        {
            return;
        }

        response.Headers.RetryAfter = Math.Max(0, (int)Math.Ceiling(delay.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["retry-after-ms"] = Math.Max(0, (long)Math.Ceiling(delay.TotalMilliseconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
