using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.Gateway.Auth;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Providers.OpenAI;

namespace Mostlyucid.LlmBackend.Gateway.OpenAi;

/// <summary>
/// <c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>: the names a client can use here — routes, backends and the
/// models backends are configured with — that the caller's key may use. No provider is called.
/// </summary>
internal static class ModelsEndpoint
{
    public static async Task ListAsync(HttpContext context, ILlmService llm, TimeProvider time)
    {
        GatewayHeaders.EnsureRequestId(context);
        var caller = GatewayCallerFeature.Get(context);
        if (context.Request.Headers.ContainsKey("anthropic-version"))
        {
            // Anthropic's SDKs list models at the same path and read Anthropic's shape.
            await Anthropic.AnthropicModelsWriter.WriteAsync(context, llm.GetRoutableModels().Where(m => caller.MayUse(m.Name)), time).ConfigureAwait(false);
            return;
        }

        var created = time.GetUtcNow().ToUnixTimeSeconds();
        var list = new OpenAiModelList
        {
            Object = "list",
            Data = llm.GetRoutableModels().Where(m => caller.MayUse(m.Name)).Select(m => ToWire(m, created)).ToList(),
        };
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, list, OpenAiJsonContext.Default.OpenAiModelList, context.RequestAborted).ConfigureAwait(false);
    }

    public static async Task GetAsync(HttpContext context, ILlmService llm, TimeProvider time, string id)
    {
        GatewayHeaders.EnsureRequestId(context);
        var caller = GatewayCallerFeature.Get(context);
        var model = llm.GetRoutableModels().FirstOrDefault(m => string.Equals(m.Name, id, StringComparison.OrdinalIgnoreCase) && caller.MayUse(m.Name));
        if (model is null)
        {
            await OpenAiErrorResponder.WriteAsync(context, 404, $"The model `{id}` does not exist on this gateway.", "invalid_request_error", "model_not_found", "model").ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, new OpenAiModelList { Data = new() { ToWire(model, time.GetUtcNow().ToUnixTimeSeconds()) } }.Data[0], OpenAiJsonContext.Default.OpenAiModel, context.RequestAborted).ConfigureAwait(false);
    }

    private static OpenAiModel ToWire(RoutableModel model, long created) => new()
    {
        Id = model.Name,
        Object = "model",
        Created = created,
        OwnedBy = model.Kind switch
        {
            RoutableModelKind.Route => "route:" + string.Join("+", model.Backends),
            _ => string.Join("+", model.Backends),
        },
    };
}
