using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Providers;
using Mostlyucid.LlmBackend.Providers.OpenAI;

namespace Mostlyucid.LlmBackend.Gateway.OpenAi;

/// <summary>Writes errors as OpenAI does: <c>{"error": {"message", "type", "param", "code"}}</c>, with the status the SDKs map from.</summary>
internal static class OpenAiErrorResponder
{
    public static Task WriteAsync(HttpContext context, int status, string message, string type, string? code, string? param = null)
    {
        context.Response.StatusCode = status;
        var body = new OpenAiErrorEnvelope
        {
            Error = new OpenAiErrorBody
            {
                Message = GatewayErrors.Redact(context, message),
                Type = type,
                Code = code is null ? null : JsonSerializer.SerializeToElement(code, ProviderJsonContext.Default.String),
                Param = param is null ? null : JsonSerializer.SerializeToElement(param, ProviderJsonContext.Default.String),
            },
        };
        return JsonResponse.WriteAsync(context, body, OpenAiJsonContext.Default.OpenAiErrorEnvelope);
    }

    public static Task WriteAsync(HttpContext context, LlmError error)
    {
        var status = GatewayErrors.StatusFor(error);
        GatewayErrors.AddRetryAfter(context.Response, error.RetryAfter);
        return WriteAsync(context, status, GatewayErrors.ClientMessage(context, error), TypeFor(error.Kind), CodeFor(error), error.Parameter);
    }

    /// <summary>OpenAI's error <c>type</c> for one of the gateway's own refusals.</summary>
    public static string TypeFor(int status) => status switch
    {
        401 => "authentication_error",
        403 => "permission_error",
        429 => "rate_limit_error",
        >= 500 => "server_error",
        _ => "invalid_request_error",
    };

    /// <summary>Writes a failed response's error (its typed error, or one made from its message).</summary>
    public static Task WriteAsync(HttpContext context, LlmResponse failed) =>
        WriteAsync(context, failed.Error ?? new LlmError { Kind = LlmErrorKind.Unknown, Message = failed.ErrorMessage ?? "The request failed." });

    /// <summary>The error as a stream's last frame (output had already started, so the status cannot change).</summary>
    public static OpenAiErrorEnvelope Envelope(HttpContext context, LlmError error) => new()
    {
        Error = new OpenAiErrorBody
        {
            Message = GatewayErrors.ClientMessage(context, error),
            Type = TypeFor(error.Kind),
            Code = CodeFor(error) is { } code ? JsonSerializer.SerializeToElement(code, ProviderJsonContext.Default.String) : null,
        },
    };

    private static string TypeFor(LlmErrorKind kind) => kind switch
    {
        LlmErrorKind.InvalidRequest or LlmErrorKind.ContextLengthExceeded or LlmErrorKind.ContentFiltered => "invalid_request_error",
        LlmErrorKind.RateLimited => "rate_limit_error",
        LlmErrorKind.BudgetExceeded => "insufficient_quota",
        LlmErrorKind.NoBackendAvailable => "service_unavailable",
        LlmErrorKind.Timeout => "timeout",
        LlmErrorKind.Internal => "server_error",
        _ => "upstream_error",
    };

    private static string? CodeFor(LlmError error) => error.Kind switch
    {
        LlmErrorKind.ContextLengthExceeded => "context_length_exceeded",
        LlmErrorKind.ContentFiltered => "content_filter",
        LlmErrorKind.NotFound => "upstream_model_not_found",
        LlmErrorKind.RateLimited => "rate_limit_exceeded",
        LlmErrorKind.BudgetExceeded => "insufficient_quota",
        LlmErrorKind.Unauthorized or LlmErrorKind.Forbidden => "upstream_unauthorized",
        LlmErrorKind.Internal => "internal_error",
        _ => error.ProviderCode,
    };
}
