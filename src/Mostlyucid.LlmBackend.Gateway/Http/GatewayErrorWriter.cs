using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.Gateway.Anthropic;
using Mostlyucid.LlmBackend.Gateway.OpenAi;

namespace Mostlyucid.LlmBackend.Gateway.Http;

/// <summary>Writes one of the gateway's own errors (not a backend's) in the shape the calling API uses.</summary>
internal static class GatewayErrorWriter
{
    /// <summary>Writes the error.</summary>
    /// <param name="context">The request.</param>
    /// <param name="shape">The endpoint's error shape.</param>
    /// <param name="status">The HTTP status.</param>
    /// <param name="message">What went wrong and what to do.</param>
    /// <param name="code">OpenAI's <c>code</c>, if any.</param>
    /// <param name="param">OpenAI's <c>param</c>, if any.</param>
    public static Task WriteAsync(HttpContext context, ErrorShape shape, int status, string message, string? code = null, string? param = null) =>
        Resolve(shape, context.Request) == ErrorShape.Anthropic
            ? AnthropicErrorResponder.WriteAsync(context, status, message)
            : OpenAiErrorResponder.WriteAsync(context, status, message, OpenAiErrorResponder.TypeFor(status), code, param);

    /// <summary>Decides <see cref="ErrorShape.ByClient"/> for a request.</summary>
    public static ErrorShape Resolve(ErrorShape shape, HttpRequest request) =>
        shape != ErrorShape.ByClient ? shape : request.Headers.ContainsKey("anthropic-version") ? ErrorShape.Anthropic : ErrorShape.OpenAi;
}
