using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Providers.OpenAI;

/// <summary>
/// Azure OpenAI: the OpenAI wire format addressed by deployment
/// (<c>{resource}/openai/deployments/{deployment}/chat/completions?api-version=…</c>) with the key in the <c>api-key</c>
/// header. <c>ModelName</c> is the chat deployment, <c>EmbeddingModelName</c> the embedding deployment, <c>ApiVersion</c>
/// defaults to <see cref="DefaultApiVersion"/>.
/// </summary>
internal sealed class AzureOpenAiBackend : OpenAiBackend
{
    /// <summary>The API version used when none is configured (the current GA version).</summary>
    public const string DefaultApiVersion = "2024-10-21";

    private readonly Uri _resource;
    private readonly string _apiVersion;

    public AzureOpenAiBackend(LlmBackendConfig config, ILogger logger, HttpClient httpClient, TimeProvider time)
        : base(config, logger, httpClient, time, OpenAiPresets.Azure)
    {
        var baseUrl = config.BaseUrl ?? throw new ArgumentException($"Backend '{config.Name}' needs a BaseUrl (https://RESOURCE.openai.azure.com).", nameof(config));
        var uri = new Uri(baseUrl, UriKind.Absolute);
        _resource = new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
        _apiVersion = string.IsNullOrWhiteSpace(config.ApiVersion) ? DefaultApiVersion : config.ApiVersion.Trim();
    }

    protected override Uri ChatUri(string model) => Deployment(model, "chat/completions");

    protected override Uri EmbeddingsUri(string model) => Deployment(model, "embeddings");

    protected override Uri ModelsUri() => new(_resource, $"openai/models?api-version={Uri.EscapeDataString(_apiVersion)}");

    protected override void Authorize(HttpRequestMessage request)
    {
        if (!string.IsNullOrEmpty(_config.ApiKey))
        {
            request.Headers.TryAddWithoutValidation("api-key", _config.ApiKey);
        }
    }

    private Uri Deployment(string deployment, string operation) =>
        new(_resource, $"openai/deployments/{Uri.EscapeDataString(deployment)}/{operation}?api-version={Uri.EscapeDataString(_apiVersion)}");
}
