using Microsoft.AspNetCore.Http;

namespace Mostlyucid.LlmBackend.FakeProvider.Formats;

/// <summary>
/// Azure OpenAI: the OpenAI format under <c>/openai/deployments/{deployment}/…?api-version=…</c> (the deployment is the
/// model), <c>GET /openai/models</c>, and the key in the <c>api-key</c> header. Requests without <c>api-version</c> are
/// rejected as Azure does.
/// </summary>
public sealed class AzureOpenAiFakeFormat : OpenAiFakeFormat
{
    public override string Name => "azure";

    public override bool Handles(HttpRequest request) => request.Path.StartsWithSegments("/openai", StringComparison.Ordinal);

    public override string? ApiKeyOf(HttpRequest request) => request.Headers["api-key"].ToString() is { Length: > 0 } key ? key : null;

    public override async Task<bool> HandleAsync(HttpContext context, FakeProviderServer server)
    {
        if (!context.Request.Query.ContainsKey("api-version"))
        {
            await FakeHttp.WriteJsonAsync(context, 404, ErrorBody("Resource not found: the api-version query parameter is required.", "invalid_request_error", "404")).ConfigureAwait(false);
            return true;
        }

        var segments = context.Request.Path.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries);
        switch (context.Request.Method, segments)
        {
            case ("GET", ["openai", "models"]):
                await WriteModelsAsync(context, server).ConfigureAwait(false);
                return true;
            case ("POST", ["openai", "deployments", var deployment, "chat", "completions"]):
                await ChatAsync(context, server, Uri.UnescapeDataString(deployment)).ConfigureAwait(false);
                return true;
            case ("POST", ["openai", "deployments", var deployment, "embeddings"]):
                await EmbeddingsAsync(context, server, Uri.UnescapeDataString(deployment)).ConfigureAwait(false);
                return true;
            default:
                return false;
        }
    }
}
