using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Providers.Translation;
using Mostlyucid.LlmBackend.Resilience;

namespace Mostlyucid.LlmBackend.Providers.Ollama;

/// <summary>
/// Ollama's native API: <c>/api/chat</c> (JSON, or newline-delimited JSON when streamed), <c>/api/embed</c> and
/// <c>/api/tags</c>. <c>BaseUrl</c> defaults to <see cref="DefaultBaseUrl"/>; a path in it (an Ollama behind a proxy) is
/// kept. No key is needed; when <c>ApiKey</c> is set it is sent as a bearer token (for an auth proxy or Ollama's hosted
/// service). Images must be bytes or <c>data:</c> URLs: Ollama does not fetch URLs, and neither does this backend.
/// </summary>
internal sealed class OllamaBackend : HttpProviderBackend, IEmbeddingLlmBackend
{
    /// <summary>The backend type.</summary>
    public const string BackendType = "Ollama";

    /// <summary>The address used when no <c>BaseUrl</c> is configured: a local Ollama.</summary>
    public const string DefaultBaseUrl = "http://localhost:11434";

    private static readonly string[] ContentPolicyMarkers = { "content policy", "content_policy", "content_filter", "content filter", "safety" };

    private readonly Uri _apiRoot;

    public OllamaBackend(LlmBackendConfig config, ILogger logger, HttpClient httpClient, TimeProvider time)
        : base(config, logger, httpClient, time)
    {
        _apiRoot = ApiRoot(string.IsNullOrWhiteSpace(config.BaseUrl) ? DefaultBaseUrl : config.BaseUrl);
        ConfigureHttpClient();
    }

    protected override string ProviderName => BackendType;

    /// <summary>The API root, <c>…/api/</c>: the base URL's path (if any) with <c>/api/</c> added unless it already ends so.</summary>
    internal static Uri ApiRoot(string baseUrl)
    {
        var uri = new Uri(baseUrl, UriKind.Absolute);
        var path = uri.AbsolutePath.TrimEnd('/');
        if (!path.EndsWith("/api", StringComparison.OrdinalIgnoreCase))
        {
            path += "/api";
        }

        return new UriBuilder(uri) { Path = path + "/", Query = string.Empty }.Uri;
    }

    public override async Task<IReadOnlyList<LlmModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_apiRoot, "tags"));
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var list = await ReadJsonAsync(response, OllamaJsonContext.Default.OllamaModelList, cancellationToken).ConfigureAwait(false);
        return (list.Models ?? new List<OllamaModel>())
            .Select(m => m.Name ?? m.Model)
            .Where(id => !string.IsNullOrEmpty(id))
            .Select(id => new LlmModelInfo { Id = id!, BackendName = Name })
            .ToArray();
    }

    public Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default) =>
        EmbedWithErrorsAsResultAsync(request, EmbedCoreAsync, cancellationToken);

    public override async IAsyncEnumerable<ChatStreamUpdate> StreamChatAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var message = ChatHttpRequest(request, ResolveModel(request.Model), stream: true);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/x-ndjson"));
        using var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        var toolCalls = 0;
        await foreach (var text in ReadLinesAsync(response, cancellationToken).ConfigureAwait(false))
        {
            var line = ParseFragment(text, OllamaJsonContext.Default.OllamaChatResponse);
            if (line.Error is { } error)
            {
                throw Failure(ClassifyStreamError(error), $"Backend '{Name}' sent an error in its stream: {error}");
            }

            if (OllamaMapper.FromLine(line, ref toolCalls) is { } update)
            {
                yield return update;
            }

            if (line.Done)
            {
                yield break;
            }
        }

        throw Failure(LlmErrorKind.Network, $"Backend '{Name}' ended its stream without the final (done) line: the answer is incomplete.");
    }

    protected override async Task<LlmResponse> ChatCoreAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        var model = ResolveModel(request.Model);
        using var message = ChatHttpRequest(request, model, stream: false);
        using var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        var wire = await ReadJsonAsync(response, OllamaJsonContext.Default.OllamaChatResponse, cancellationToken).ConfigureAwait(false);
        if (wire.Error is { } error)
        {
            throw Failure(ClassifyStreamError(error), $"Backend '{Name}' answered with an error: {error}");
        }

        if (wire.Message is null)
        {
            throw InvalidResponse("the response has no message");
        }

        return OllamaMapper.FromWire(wire, model);
    }

    protected override void Authorize(HttpRequestMessage request)
    {
        if (!string.IsNullOrEmpty(_config.ApiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _config.ApiKey);
        }
    }

    /// <summary>
    /// Reads Ollama's <c>{"error": "…"}</c>. Ollama has no error codes, so the text refines the status: the shared
    /// classifier spots context-length messages ("the input length exceeds the context length"), and a 400 or 403 whose
    /// text names a content policy is <see cref="LlmErrorKind.ContentFiltered"/> (Ollama itself never filters; a
    /// moderating proxy or hosted service in front of it does, and says so only in the text).
    /// </summary>
    protected override LlmError ParseError(int status, string body, HttpResponseHeaders headers)
    {
        string? detail = null;
        try
        {
            detail = body.Length > 0 ? JsonSerializer.Deserialize(body, OllamaJsonContext.Default.OllamaErrorBody)?.Error : null;
        }
        catch (JsonException)
        {
            // Not Ollama's error shape (a proxy's HTML page, plain text): the raw text is reported.
        }

        detail ??= body.Length > 0 ? body : "no details";
        var kind = LlmErrorClassifier.FromStatus(status, null, detail);
        if (kind is LlmErrorKind.InvalidRequest or LlmErrorKind.Forbidden && Mentions(detail, ContentPolicyMarkers))
        {
            kind = LlmErrorKind.ContentFiltered;
        }

        return new LlmError
        {
            Kind = kind,
            StatusCode = status,
            RetryAfter = RetryAfterParser.Parse(headers, Time.GetUtcNow()),
            Message = $"Backend '{Name}' answered HTTP {status}: {detail}",
            BackendName = Name,
        };
    }

    /// <summary>Classifies an error line (no status): by its text, else a server failure (a runner crash is the usual cause).</summary>
    private static LlmErrorKind ClassifyStreamError(string message) =>
        LlmErrorClassifier.FromStatus(400, null, message) == LlmErrorKind.ContextLengthExceeded ? LlmErrorKind.ContextLengthExceeded
        : Mentions(message, ContentPolicyMarkers) ? LlmErrorKind.ContentFiltered
        : message.Contains("rate limit", StringComparison.OrdinalIgnoreCase) || message.Contains("too many requests", StringComparison.OrdinalIgnoreCase) ? LlmErrorKind.RateLimited
        : LlmErrorKind.ServerError;

    private static bool Mentions(string text, string[] markers) =>
        markers.Any(marker => text.Contains(marker, StringComparison.OrdinalIgnoreCase));

    private HttpRequestMessage ChatHttpRequest(ChatRequest request, string model, bool stream)
    {
        if (OllamaMapper.UnsupportedImage(request) is { } problem)
        {
            throw Failure(LlmErrorKind.InvalidRequest, $"Backend '{Name}' (Ollama) cannot send this request: {problem}. Ollama takes images as bytes only: pass them with ContentPart.FromImageBytes or as base64 data: URLs.");
        }

        if (DocumentParts.FirstNonText(request) is { } document)
        {
            throw Failure(LlmErrorKind.InvalidRequest, $"Backend '{Name}' (Ollama) cannot send this request: {document}.");
        }

        PassThroughFilter.Fields(request, backendFormat: null, Name, ProviderName, _logger);
        PassThroughFilter.LogDroppedOptions(_logger, Name, ProviderName, ("logprobs", request.Logprobs is not null), ("top_logprobs", request.TopLogprobs is not null));
        var body = OllamaMapper.ToWire(request, model, _config.MaxOutputTokens, _config.Temperature, stream, ArgumentsAsObject);
        return new HttpRequestMessage(HttpMethod.Post, new Uri(_apiRoot, "chat"))
        {
            Content = JsonBody(body, OllamaJsonContext.Default.OllamaChatRequest, MergeOptions(request.AdditionalProperties, body.Options)),
        };
    }

    /// <summary>
    /// Merges an <c>options</c> object given in <see cref="LlmRequestBase.AdditionalProperties"/> (for Modelfile parameters
    /// this model does not cover, such as <c>num_ctx</c>) into the options built from the request, its values winning,
    /// instead of replacing them whole as other top-level additional properties do.
    /// </summary>
    private static Dictionary<string, JsonElement>? MergeOptions(Dictionary<string, JsonElement>? additional, OllamaOptions? options)
    {
        if (additional is null || options is null || !additional.TryGetValue("options", out var extra) || extra.ValueKind != JsonValueKind.Object)
        {
            return additional;
        }

        var merged = JsonSerializer.SerializeToNode(options, OllamaJsonContext.Default.OllamaOptions)!.AsObject();
        foreach (var property in extra.EnumerateObject())
        {
            merged[property.Name] = JsonNode.Parse(property.Value.GetRawText());
        }

        using var document = JsonDocument.Parse(merged.ToJsonString());
        return new Dictionary<string, JsonElement>(additional) { ["options"] = document.RootElement.Clone() };
    }

    private async Task<EmbeddingResponse> EmbedCoreAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        var model = ResolveModel(request.Model, _config.EmbeddingModelName, nameof(LlmBackendConfig.EmbeddingModelName));
        var body = new OllamaEmbedRequest { Model = model, Input = request.Inputs, Dimensions = request.Dimensions };
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(_apiRoot, "embed")) { Content = JsonBody(body, OllamaJsonContext.Default.OllamaEmbedRequest) };
        using var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        var wire = await ReadJsonAsync(response, OllamaJsonContext.Default.OllamaEmbedResponse, cancellationToken).ConfigureAwait(false);
        var vectors = wire.Embeddings ?? new List<float[]>();
        if (vectors.Count != request.Inputs.Count || vectors.Any(v => v is null))
        {
            throw InvalidResponse($"{vectors.Count} embeddings came back for {request.Inputs.Count} inputs");
        }

        return new EmbeddingResponse
        {
            Embeddings = vectors,
            ModelUsed = wire.Model ?? model,
            PromptTokens = wire.PromptEvalCount,
            TotalTokens = wire.PromptEvalCount,
        };
    }
}
