using System.Text.Json;
using Mostlyucid.LlmBackend.Json;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Resilience;

/// <summary>
/// Turns an exception that escaped a backend into a typed error whose message says what happened in plain words — no
/// .NET type names — and, for a failure of the code itself, only that it happened: the exception goes to the log.
/// </summary>
internal static class BackendExceptionErrors
{
    /// <summary>Event id of the log line that carries an internal failure's exception (see <c>Telemetry/Log</c>).</summary>
    public const int InternalFailureEventId = 3008;

    /// <summary>Describes an exception thrown by (or while calling) a backend.</summary>
    /// <param name="backendName">The backend.</param>
    /// <param name="exception">The exception.</param>
    /// <returns>The error.</returns>
    public static LlmError From(string backendName, Exception exception)
    {
        if (exception is LlmBackendException typed)
        {
            return typed.Error.BackendName is null ? typed.Error with { BackendName = backendName } : typed.Error;
        }

        var kind = LlmErrorClassifier.FromException(exception);
        var message = kind switch
        {
            LlmErrorKind.Internal =>
                $"Backend '{backendName}' could not be used because of an internal error in LlmBackend, not a fault of the backend; the details are logged (event {InternalFailureEventId}).",
            LlmErrorKind.Timeout => $"Backend '{backendName}' did not answer in time.",
            LlmErrorKind.InvalidResponse when exception is JsonException json =>
                $"Backend '{backendName}' sent an answer that could not be read: {JsonErrorText.Describe(json)}.",
            LlmErrorKind.Unreachable => $"Backend '{backendName}' could not be reached (nothing was sent): {exception.Message}",
            LlmErrorKind.Network => $"Backend '{backendName}' could not be reached, or the connection broke: {exception.Message}",
            _ when exception is HttpRequestException { StatusCode: { } status } => $"Backend '{backendName}' answered HTTP {(int)status}.",
            _ => $"Backend '{backendName}' failed: {exception.Message}",
        };
        return new LlmError
        {
            Kind = kind,
            Message = message,
            StatusCode = exception is HttpRequestException { StatusCode: { } code } ? (int)code : null,
            BackendName = backendName,
            Cause = kind == LlmErrorKind.Internal ? exception : null,
        };
    }
}
