using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Providers.Translation;
using Mostlyucid.LlmBackend.Resilience;

namespace Mostlyucid.LlmBackend.Providers.Gemini;

/// <summary>
/// Google's Gemini API (the Generative Language API): <c>generateContent</c>, <c>streamGenerateContent?alt=sse</c>,
/// <c>batchEmbedContents</c> and the model list, under <c>{BaseUrl}/{ApiVersion}/</c>. The key goes in the
/// <c>x-goog-api-key</c> header, never in the URL, so it cannot leak into logs of request addresses.
/// </summary>
/// <remarks>
/// <c>BaseUrl</c> defaults to <see cref="DefaultBaseUrl"/> and <c>ApiVersion</c> to <see cref="DefaultApiVersion"/>; a
/// <c>BaseUrl</c> whose path already ends in a version (<c>…/v1beta</c>) is used as it is. Model names may be given with
/// or without the <c>models/</c> prefix.
/// </remarks>
internal sealed partial class GeminiBackend : HttpProviderBackend, IEmbeddingLlmBackend
{
    /// <summary>The Gemini API's address.</summary>
    public const string DefaultBaseUrl = "https://generativelanguage.googleapis.com";

    /// <summary>The API version used when neither <c>ApiVersion</c> nor the <c>BaseUrl</c> names one.</summary>
    public const string DefaultApiVersion = "v1beta";

    /// <summary>The header that carries the API key.</summary>
    public const string ApiKeyHeader = "x-goog-api-key";

    /// <summary>The most texts <c>batchEmbedContents</c> takes in one call; longer batches are split.</summary>
    public const int MaxEmbeddingBatch = 100;

    private static readonly string[] BlockReasons =
    {
        "SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "IMAGE_SAFETY", "RECITATION",
    };

    private readonly Uri _apiRoot;

    public GeminiBackend(LlmBackendConfig config, ILogger logger, HttpClient httpClient, TimeProvider time)
        : base(config, logger, httpClient, time)
    {
        _apiRoot = ApiRoot(config.BaseUrl ?? DefaultBaseUrl, config.ApiVersion);
        ConfigureHttpClient();
    }

    protected override string ProviderName => "Gemini";

    /// <summary>
    /// The API root with a trailing slash: the base URL's path when it ends in a version segment (<c>v1</c>,
    /// <c>v1beta</c>, <c>v1alpha</c>, …), else the base URL's path followed by the API version.
    /// </summary>
    internal static Uri ApiRoot(string baseUrl, string? apiVersion)
    {
        var uri = new Uri(baseUrl, UriKind.Absolute);
        var path = uri.AbsolutePath.TrimEnd('/');
        if (!EndsWithVersion(path))
        {
            path += "/" + (string.IsNullOrWhiteSpace(apiVersion) ? DefaultApiVersion : apiVersion.Trim().Trim('/'));
        }

        return new UriBuilder(uri) { Path = path + "/", Query = string.Empty }.Uri;
    }

    /// <summary>Gets whether a URL path's last segment is an API version.</summary>
    internal static bool EndsWithVersion(string path)
    {
        var trimmed = path.TrimEnd('/');
        return VersionSegment().IsMatch(trimmed[(trimmed.LastIndexOf('/') + 1)..]);
    }

    public override async Task<IReadOnlyList<LlmModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        var models = new List<LlmModelInfo>();
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var address = token is null ? "models" : "models?pageToken=" + Uri.EscapeDataString(token);
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_apiRoot, address));
            using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            var page = await ReadJsonAsync(response, GeminiJsonContext.Default.GeminiModelList, cancellationToken).ConfigureAwait(false);
            models.AddRange((page.Models ?? new List<GeminiModel>())
                .Where(m => !string.IsNullOrEmpty(m.Name))
                .Select(m => new LlmModelInfo
                {
                    Id = GeminiMapper.ModelId(m.Name!),
                    BackendName = Name,
                    DisplayName = m.DisplayName,
                    ContextLength = m.InputTokenLimit,
                }));

            // A server that repeats a token would page forever; each token is followed once.
            token = page.NextPageToken is { Length: > 0 } next && tokens.Add(next) ? next : null;
        }
        while (token is not null);

        return models;
    }

    public Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default) =>
        EmbedWithErrorsAsResultAsync(request, EmbedCoreAsync, cancellationToken);

    public override async IAsyncEnumerable<ChatStreamUpdate> StreamChatAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var model = ResolveModel(request.Model);
        using var message = new HttpRequestMessage(HttpMethod.Post, ModelUri(model, "streamGenerateContent", "alt=sse")) { Content = Body(request) };
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        var state = new GeminiStreamState(GeminiMapper.ModelId(model));
        await foreach (var item in ReadEventsAsync(response, cancellationToken).ConfigureAwait(false))
        {
            if (string.IsNullOrWhiteSpace(item.Data))
            {
                continue;
            }

            var chunk = ParseFragment(item.Data, GeminiJsonContext.Default.GeminiGenerateContentResponse);
            if (chunk.Error is { } error)
            {
                throw new LlmBackendException(ToError(error, status: null, headers: null, fallback: item.Data), Array.Empty<BackendAttempt>());
            }

            ThrowIfBlocked(chunk);
            if (state.Read(chunk) is { } update)
            {
                yield return update;
            }
        }

        if (!state.Finished)
        {
            throw Failure(LlmErrorKind.Network, $"Backend '{Name}' ended its stream before a finishReason: the answer is incomplete.");
        }
    }

    protected override async Task<LlmResponse> ChatCoreAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        var model = ResolveModel(request.Model);
        using var message = new HttpRequestMessage(HttpMethod.Post, ModelUri(model, "generateContent")) { Content = Body(request) };
        using var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        var wire = await ReadJsonAsync(response, GeminiJsonContext.Default.GeminiGenerateContentResponse, cancellationToken).ConfigureAwait(false);
        if (wire.Error is { } error)
        {
            throw new LlmBackendException(ToError(error, status: null, headers: null, fallback: string.Empty), Array.Empty<BackendAttempt>());
        }

        ThrowIfBlocked(wire);
        if (wire.Candidates is not { Count: > 0 })
        {
            throw InvalidResponse("the response has no candidates and no promptFeedback.blockReason saying why");
        }

        return GeminiMapper.FromWire(wire, model);
    }

    protected override void Authorize(HttpRequestMessage request)
    {
        if (!string.IsNullOrEmpty(_config.ApiKey))
        {
            request.Headers.TryAddWithoutValidation(ApiKeyHeader, _config.ApiKey);
        }
    }

    protected override LlmError ParseError(int status, string body, HttpResponseHeaders headers)
    {
        GeminiErrorBody? error = null;
        try
        {
            // Google's error body is an object; some endpoints wrap it in an array.
            error = body.TrimStart() switch
            {
                { Length: 0 } => null,
                ['[', ..] => JsonSerializer.Deserialize(body, GeminiJsonContext.Default.ListGeminiErrorEnvelope)?.FirstOrDefault()?.Error,
                _ => JsonSerializer.Deserialize(body, GeminiJsonContext.Default.GeminiErrorEnvelope)?.Error,
            };
        }
        catch (JsonException)
        {
            // Not Google's error shape (a proxy's HTML page, plain text): the raw text is reported.
        }

        return ToError(error, status, headers, body);
    }

    [GeneratedRegex("^v[0-9]+((alpha|beta)[0-9]*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionSegment();

    /// <summary>
    /// Classifies a Google error. Beyond the status: a 400 with reason <c>API_KEY_INVALID</c> (Google's answer to a wrong
    /// key) and a 403 for "unregistered callers" (its answer to a missing key) are <see cref="LlmErrorKind.Unauthorized"/>;
    /// a 400 saying the input token count exceeds the maximum is <see cref="LlmErrorKind.ContextLengthExceeded"/>; a 400
    /// whose reason is one of Gemini's block reasons (<c>SAFETY</c>, <c>PROHIBITED_CONTENT</c>, …) is
    /// <see cref="LlmErrorKind.ContentFiltered"/>. The wait comes from <c>Retry-After</c> or the <c>RetryInfo</c> detail.
    /// </summary>
    private LlmError ToError(GeminiErrorBody? error, int? status, HttpResponseHeaders? headers, string fallback)
    {
        var reason = error?.Details?.FirstOrDefault(d => !string.IsNullOrEmpty(d.Reason))?.Reason;
        var code = reason ?? error?.Status;
        var detail = error?.Message ?? (fallback.Length > 0 ? fallback : "no details");
        return new LlmError
        {
            Kind = Classify(status ?? error?.Code, error?.Status, reason, error?.Message ?? fallback),
            StatusCode = status,
            ProviderCode = code,
            RetryAfter = (headers is null ? null : RetryAfterParser.Parse(headers, Time.GetUtcNow())) ?? RetryDelay(error),
            Message = status is { } s ? $"Backend '{Name}' answered HTTP {s}: {detail}" : $"Backend '{Name}' sent an error in its answer: {detail}",
            BackendName = Name,
        };
    }

    private static LlmErrorKind Classify(int? status, string? rpcStatus, string? reason, string message)
    {
        if (reason is "API_KEY_INVALID" or "CREDENTIALS_MISSING" || rpcStatus == "UNAUTHENTICATED"
            || (status == 403 && message.Contains("unregistered callers", StringComparison.OrdinalIgnoreCase)))
        {
            return LlmErrorKind.Unauthorized;
        }

        if (status is 400 or null && message.Contains("input token count", StringComparison.OrdinalIgnoreCase)
            && message.Contains("exceeds the maximum", StringComparison.OrdinalIgnoreCase))
        {
            return LlmErrorKind.ContextLengthExceeded;
        }

        if (status is 400 or 403 or null && reason is not null && BlockReasons.Contains(reason, StringComparer.Ordinal))
        {
            return LlmErrorKind.ContentFiltered;
        }

        if (status is { } known)
        {
            return LlmErrorClassifier.FromStatus(known, reason ?? rpcStatus, message);
        }

        return rpcStatus switch
        {
            "RESOURCE_EXHAUSTED" => LlmErrorKind.RateLimited,
            "PERMISSION_DENIED" => LlmErrorKind.Forbidden,
            "NOT_FOUND" => LlmErrorKind.NotFound,
            "DEADLINE_EXCEEDED" => LlmErrorKind.Timeout,
            "INVALID_ARGUMENT" or "FAILED_PRECONDITION" => LlmErrorKind.InvalidRequest,
            _ => LlmErrorKind.ServerError,
        };
    }

    /// <summary>Reads <c>google.rpc.RetryInfo</c>'s <c>retryDelay</c>, a duration in seconds such as <c>"41s"</c> or <c>"0.5s"</c>.</summary>
    private static TimeSpan? RetryDelay(GeminiErrorBody? error)
    {
        var delay = error?.Details?.FirstOrDefault(d => d.RetryDelay is not null)?.RetryDelay?.Trim();
        return delay is { Length: > 1 } && delay.EndsWith('s')
            && double.TryParse(delay.AsSpan(0, delay.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
            ? TimeSpan.FromSeconds(seconds)
            : null;
    }

    private void ThrowIfBlocked(GeminiGenerateContentResponse wire)
    {
        if (wire.PromptFeedback?.BlockReason is { Length: > 0 } reason)
        {
            var why = wire.PromptFeedback.BlockReasonMessage is { Length: > 0 } text ? $"{reason}: {text}" : reason;
            throw new LlmBackendException(
                new LlmError { Kind = LlmErrorKind.ContentFiltered, ProviderCode = reason, Message = $"Backend '{Name}' refused the prompt: Gemini blocked it ({why}).", BackendName = Name },
                Array.Empty<BackendAttempt>());
        }
    }

    private HttpContent Body(ChatRequest request)
    {
        GeminiGenerateContentRequest wire;
        try
        {
            wire = GeminiMapper.ToWire(request, _config.MaxOutputTokens, _config.Temperature, ArgumentsAsObject);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            throw Failure(LlmErrorKind.InvalidRequest, $"Backend '{Name}' cannot send this request to Gemini: {ex.Message}");
        }

        PassThroughFilter.Fields(request, backendFormat: null, Name, ProviderName, _logger);
        PassThroughFilter.LogDroppedOptions(_logger, Name, ProviderName, ("logprobs", request.Logprobs is not null), ("top_logprobs", request.TopLogprobs is not null));
        return JsonBody(wire, GeminiJsonContext.Default.GeminiGenerateContentRequest, request.AdditionalProperties);
    }

    /// <summary>The address of a model's method: <c>{root}models/{model}:{method}</c>, each path segment escaped.</summary>
    private Uri ModelUri(string model, string method, string? query = null)
    {
        var path = string.Join('/', GeminiMapper.ModelPath(model).Split('/').Select(Uri.EscapeDataString));
        return new Uri(_apiRoot, $"{path}:{method}{(query is null ? string.Empty : "?" + query)}");
    }

    private async Task<EmbeddingResponse> EmbedCoreAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        var model = ResolveModel(request.Model, _config.EmbeddingModelName, nameof(LlmBackendConfig.EmbeddingModelName));
        var modelPath = GeminiMapper.ModelPath(model);
        var taskType = GeminiMapper.TaskType(request.InputType);
        var vectors = new List<float[]>(request.Inputs.Count);
        foreach (var batch in request.Inputs.Chunk(MaxEmbeddingBatch))
        {
            var body = new GeminiBatchEmbedRequest
            {
                Requests = batch.Select(text => new GeminiEmbedContentRequest
                {
                    Model = modelPath,
                    Content = new GeminiContent { Parts = new List<GeminiPart> { new() { Text = text } } },
                    TaskType = taskType,
                    OutputDimensionality = request.Dimensions,
                }).ToList(),
            };
            using var message = new HttpRequestMessage(HttpMethod.Post, ModelUri(model, "batchEmbedContents")) { Content = JsonBody(body, GeminiJsonContext.Default.GeminiBatchEmbedRequest) };
            using var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
            var wire = await ReadJsonAsync(response, GeminiJsonContext.Default.GeminiBatchEmbedResponse, cancellationToken).ConfigureAwait(false);
            var embeddings = wire.Embeddings ?? new List<GeminiContentEmbedding>();
            if (embeddings.Count != batch.Length || embeddings.Any(e => e.Values is null))
            {
                throw InvalidResponse($"{embeddings.Count} embeddings came back for {batch.Length} inputs");
            }

            vectors.AddRange(embeddings.Select(e => e.Values!));
        }

        // Gemini's embedding API reports no token counts.
        return new EmbeddingResponse { Embeddings = vectors, ModelUsed = GeminiMapper.ModelId(model) };
    }
}
