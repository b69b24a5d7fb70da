using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.Anthropic;

/// <summary>Writes errors as Anthropic does: <c>{"type":"error","error":{"type","message"}}</c>, with Anthropic's error types per status.</summary>
internal static class AnthropicErrorResponder
{
    public static Task WriteAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(Body(status, GatewayErrors.Redact(context, message)).ToJsonString(), context.RequestAborted);
    }

    public static Task WriteAsync(HttpContext context, LlmError error)
    {
        GatewayErrors.AddRetryAfter(context.Response, error.RetryAfter);
        return WriteAsync(context, GatewayErrors.StatusFor(error), GatewayErrors.ClientMessage(context, error));
    }

    /// <summary>The error object, also sent as an <c>event: error</c> frame when a stream breaks.</summary>
    public static JsonObject Body(int status, string message) => new()
    {
        ["type"] = "error",
        ["error"] = new JsonObject { ["type"] = TypeFor(status), ["message"] = message },
    };

    public static string TypeFor(int status) => status switch
    {
        400 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        500 => "api_error",
        429 => "rate_limit_error",
        503 or 529 => "overloaded_error",
        _ => "api_error",
    };
}
