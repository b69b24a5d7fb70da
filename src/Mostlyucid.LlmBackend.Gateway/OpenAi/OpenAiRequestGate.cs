using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.Gateway.Auth;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Interfaces;

namespace Mostlyucid.LlmBackend.Gateway.OpenAi;

/// <summary>What every OpenAI endpoint does first: read the body (413 and 400 in OpenAI's shape) and check the model.</summary>
internal static class OpenAiRequestGate
{
    /// <returns>The request, or <see langword="null"/> when an error has been written.</returns>
    public static async ValueTask<T?> ReadAsync<T>(HttpContext context, ILlmService llm, JsonTypeInfo<T> typeInfo, Func<T, string?> model)
        where T : class
    {
        var (wire, status, problem, param) = await RequestBody.ReadAsync(context, typeInfo).ConfigureAwait(false);
        if (wire is null)
        {
            await OpenAiErrorResponder.WriteAsync(context, status, problem!, "invalid_request_error", status == 413 ? "request_too_large" : null, param).ConfigureAwait(false);
            return null;
        }

        if (ModelAccess.Check(llm, GatewayCallerFeature.Get(context), model(wire)) is { } denied)
        {
            await OpenAiErrorResponder.WriteAsync(context, denied.Status, denied.Message, "invalid_request_error", denied.Code, "model").ConfigureAwait(false);
            return null;
        }

        return wire;
    }
}
