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
        context.Response.ContentType = "application/json";
        var body = new OpenAiErrorEnvelope
        {
            Error = new OpenAiErrorBody
            {
                Message = message,
                Type = type,
                Code = code is null ? null : JsonSerializer.SerializeToElement(code, ProviderJsonContext.Default.String),
                Param = param is null ? null : JsonSerializer.SerializeToElement(param, ProviderJsonContext.Default.String),
            },
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, OpenAiJsonContext.Default.OpenAiErrorEnvelope, context.RequestAborted);
    }

    public static Task WriteAsync(HttpContext context, LlmError error)
    {
        var status = GatewayErrors.StatusFor(error);
        GatewayErrors.AddRetryAfter(context.Response, error.RetryAfter);
        return WriteAsync(context, status, error.Message, TypeFor(error.Kind), CodeFor(error));
    }

    /// <summary>Writes a failed response's error (its typed error, or one made from its message).</summary>
    public static Task WriteAsync(HttpContext context, LlmResponse failed) =>
        WriteAsync(context, failed.Error ?? new LlmError { Kind = LlmErrorKind.Unknown, Message = failed.ErrorMessage ?? "The request failed." });

    public static OpenAiErrorEnvelope Envelope(LlmError error) => new()
    {
        Error = new OpenAiErrorBody
        {
            Message = error.Message,
            Type = TypeFor(error.Kind),
            Code = CodeFor(error) is { } code ? JsonSerializer.SerializeToElement(code, ProviderJsonContext.Default.String) : null,
        },
    };

    private static string TypeFor(LlmErrorKind kind) => kind switch
    {
        LlmErrorKind.InvalidRequest or LlmErrorKind.ContextLengthExceeded or LlmErrorKind.ContentFiltered or LlmErrorKind.NotFound => "invalid_request_error",
        LlmErrorKind.RateLimited => "rate_limit_error",
        LlmErrorKind.NoBackendAvailable => "service_unavailable",
        LlmErrorKind.Timeout => "timeout",
        _ => "upstream_error",
    };

    private static string? CodeFor(LlmError error) => error.Kind switch
    {
        LlmErrorKind.ContextLengthExceeded => "context_length_exceeded",
        LlmErrorKind.ContentFiltered => "content_filter",
        LlmErrorKind.NotFound => "model_not_found",
        LlmErrorKind.RateLimited => "rate_limit_exceeded",
        LlmErrorKind.Unauthorized or LlmErrorKind.Forbidden => "upstream_unauthorized",
        _ => error.ProviderCode,
    };
}
