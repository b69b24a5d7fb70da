using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Providers.Translation;
using Mostlyucid.LlmBackend.Resilience;

namespace Mostlyucid.LlmBackend.Providers.Cohere;

/// <summary>
/// Cohere's Chat API v2 (<c>POST /v2/chat</c>, JSON or typed server-sent events), Embed v2 (<c>POST /v2/embed</c>) and
/// model listing (<c>GET /v1/models</c>, followed page by page), with bearer keys and <c>{"message": …}</c> error bodies.
/// The base URL is the host (<c>https://api.cohere.com</c>, or a proxy's prefix); a trailing <c>/v1</c> or <c>/v2</c> is
/// ignored so either form works.
/// </summary>
internal sealed class CohereBackend : HttpProviderBackend, IEmbeddingLlmBackend
{
    /// <summary>The API's address when <c>BaseUrl</c> is not set.</summary>
    public const string DefaultBaseUrl = "https://api.cohere.com";

    /// <summary>The embedding use sent when a request does not say (<c>input_type</c> is required by Embed v3 and later).</summary>
    public const string DefaultInputType = "search_document";

    /// <summary>The most pages of models read, so a server that keeps sending page tokens cannot loop forever.</summary>
    private const int MaxModelPages = 50;

    private static readonly string[] ContentBlockMarkers = { "blocked", "unsafe", "usage guidelines", "usage policy", "safety guidelines", "safety policies" };

    private static readonly string[] RateLimitMarkers = { "rate limit", "too many requests", "per minute", "please wait and try again" };

    private readonly Uri _apiRoot;
    private readonly Uri _chatUri;

    public CohereBackend(LlmBackendConfig config, ILogger logger, HttpClient httpClient, TimeProvider time)
        : base(config, logger, httpClient, time)
    {
        _apiRoot = ApiRoot(string.IsNullOrWhiteSpace(config.BaseUrl) ? DefaultBaseUrl : config.BaseUrl);
        _chatUri = new Uri(_apiRoot, "v2/chat"); // immutable: one for every request
        ConfigureHttpClient();
    }

    protected override string ProviderName => "Cohere";

    /// <summary>The API root with a trailing slash: the configured URL without a trailing <c>/v1</c> or <c>/v2</c>.</summary>
    internal static Uri ApiRoot(string baseUrl)
    {
        var uri = new Uri(baseUrl, UriKind.Absolute);
        var path = uri.AbsolutePath.TrimEnd('/');
        if (path.EndsWith("/v1", StringComparison.OrdinalIgnoreCase) || path.EndsWith("/v2", StringComparison.OrdinalIgnoreCase))
        {
            path = path[..^3];
        }

        return new UriBuilder(uri) { Path = path + "/", Query = string.Empty }.Uri;
    }

    public override async Task<IReadOnlyList<LlmModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        var models = new List<LlmModelInfo>();
        string? pageToken = null;
        for (var page = 0; page < MaxModelPages; page++)
        {
            var path = pageToken is null ? "v1/models" : "v1/models?page_token=" + Uri.EscapeDataString(pageToken);
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_apiRoot, path));
            using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            var list = await ReadJsonAsync(response, CohereJsonContext.Default.CohereModelList, cancellationToken).ConfigureAwait(false);
            models.AddRange((list.Models ?? new List<CohereModel>())
                .Where(m => !string.IsNullOrEmpty(m.Name))
                .Select(m => new LlmModelInfo
                {
                    Id = m.Name!,
                    BackendName = Name,
                    ContextLength = m.ContextLength is { } length ? (int)length : null,
                }));

            if (string.IsNullOrEmpty(list.NextPageToken) || list.NextPageToken == pageToken)
            {
                break;
            }

            pageToken = list.NextPageToken;
        }

        return models;
    }

    public Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default) =>
        EmbedWithErrorsAsResultAsync(request, EmbedCoreAsync, cancellationToken);

    public override async IAsyncEnumerable<ChatStreamUpdate> StreamChatAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var model = ResolveModel(request.Model);
        using var message = new HttpRequestMessage(HttpMethod.Post, _chatUri) { Content = ChatBody(request, model, stream: true) };
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        var state = new CohereStreamState();
        await foreach (var item in ReadEventsAsync(response, cancellationToken).ConfigureAwait(false))
        {
            if (string.IsNullOrWhiteSpace(item.Data) || item.Data is "[DONE]")
            {
                continue;
            }

            var streamEvent = ParseFragment(item.Data, CohereJsonContext.Default.CohereStreamEvent);
            if (streamEvent.Type is null && item.EventType is { Length: > 0 } eventType && eventType != "message")
            {
                streamEvent.Type = eventType;
            }

            if (StreamError(streamEvent) is { } error)
            {
                throw new LlmBackendException(error, Array.Empty<BackendAttempt>());
            }

            if (CohereMapper.FromEvent(streamEvent, state, model) is { } update)
            {
                yield return update;
            }

            if (state.Ended)
            {
                yield break;
            }
        }

        throw InvalidResponse("the stream ended before its message-end event");
    }

    protected override async Task<LlmResponse> ChatCoreAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        var model = ResolveModel(request.Model);
        using var message = new HttpRequestMessage(HttpMethod.Post, _chatUri) { Content = ChatBody(request, model, stream: false) };
        using var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        var wire = await ReadJsonAsync(response, CohereJsonContext.Default.CohereChatResponse, cancellationToken).ConfigureAwait(false);
        if (CohereMapper.IsFailure(wire.FinishReason))
        {
            throw new LlmBackendException(GenerationError(wire.FinishReason, detail: null), Array.Empty<BackendAttempt>());
        }

        if (wire.Message is null)
        {
            throw InvalidResponse("the response has no message");
        }

        return CohereMapper.FromWire(wire, model);
    }

    protected override void Authorize(HttpRequestMessage request)
    {
        if (!string.IsNullOrEmpty(_config.ApiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _config.ApiKey);
        }
    }

    protected override LlmError ParseError(int status, string body, HttpResponseHeaders headers)
    {
        CohereErrorBody? error = null;
        try
        {
            error = body.Length > 0 ? JsonSerializer.Deserialize(body, CohereJsonContext.Default.CohereErrorBody) : null;
        }
        catch (JsonException)
        {
            // Not Cohere's error shape (a proxy's HTML page, plain text): the raw text is reported.
        }

        var detail = error?.Message ?? (body.Length > 0 ? body : "no details");
        return new LlmError
        {
            Kind = Classify(status, detail),
            StatusCode = status,
            RetryAfter = RetryAfterParser.Parse(headers, Time.GetUtcNow()),
            Message = $"Backend '{Name}' answered HTTP {status}: {detail}",
            BackendName = Name,
        };
    }

    /// <summary>
    /// Classifies an error status by Cohere's documented meanings. Cohere's error body has only a message, so 400s are
    /// refined by its wording: "too many tokens: …" is an over-long prompt unless it is about <c>max_tokens</c>, and a
    /// request "blocked" by Cohere's safety checks or usage guidelines is content filtering. 402 (billing limit) is
    /// <see cref="LlmErrorKind.Forbidden"/>; 498 is an invalid token (or, in an older revision of Cohere's error reference,
    /// an unsafe request); 499 (request cancelled upstream, "try the request again") is <see cref="LlmErrorKind.Network"/>.
    /// </summary>
    private static LlmErrorKind Classify(int status, string message) => status switch
    {
        400 or 422 when Mentions(message, ContentBlockMarkers) => LlmErrorKind.ContentFiltered,
        400 or 422 when message.Contains("max tokens must be", StringComparison.OrdinalIgnoreCase) => LlmErrorKind.InvalidRequest,
        402 => LlmErrorKind.Forbidden,
        498 => Mentions(message, ContentBlockMarkers) ? LlmErrorKind.ContentFiltered : LlmErrorKind.Unauthorized,
        499 => LlmErrorKind.Network,
        _ => LlmErrorClassifier.FromStatus(status, null, message),
    };

    /// <summary>Classifies an error reported inside a stream or by a finish reason, where there is no status.</summary>
    private static LlmErrorKind ClassifyWithoutStatus(string? finishReason, string message)
    {
        if (finishReason == "TIMEOUT")
        {
            return LlmErrorKind.Timeout;
        }

        if (Mentions(message, RateLimitMarkers))
        {
            return LlmErrorKind.RateLimited;
        }

        return Classify(400, message) is var kind && kind != LlmErrorKind.InvalidRequest ? kind : LlmErrorKind.ServerError;
    }

    private static bool Mentions(string text, string[] markers) => markers.Any(m => text.Contains(m, StringComparison.OrdinalIgnoreCase));

    private static string? TextOf(JsonElement? element) => element?.ValueKind switch
    {
        JsonValueKind.String => element.Value.GetString(),
        JsonValueKind.Object => element.Value.TryGetProperty("message", out var inner) && inner.ValueKind == JsonValueKind.String ? inner.GetString() : element.Value.GetRawText(),
        _ => null,
    };

    private HttpContent ChatBody(ChatRequest request, string model, bool stream)
    {
        if (request.ToolChoice is { Mode: ToolChoiceMode.Function } choice && request.Tools?.Any(t => t.Name == choice.FunctionName) != true)
        {
            throw Failure(LlmErrorKind.InvalidRequest, $"Backend '{Name}' was asked to call function '{choice.FunctionName}', which is not among the request's Tools.");
        }

        if (DocumentParts.FirstNonText(request) is { } problem)
        {
            throw Failure(LlmErrorKind.InvalidRequest, $"Backend '{Name}' (Cohere) cannot send this request: {problem}.");
        }

        PassThroughFilter.Fields(request, backendFormat: null, Name, ProviderName, _logger);
        PassThroughFilter.LogDroppedOptions(_logger, Name, ProviderName, ("logprobs", request.Logprobs is not null), ("top_logprobs", request.TopLogprobs is not null));
        return JsonBody(CohereMapper.ToWire(request, model, _config.MaxOutputTokens, _config.Temperature, stream), CohereJsonContext.Default.CohereChatRequest, request.AdditionalProperties);
    }

    /// <summary>The error a stream event reports: a <c>message-end</c> with an error or a failed finish reason, or an error frame.</summary>
    private LlmError? StreamError(CohereStreamEvent streamEvent)
    {
        if (streamEvent.Type == "message-end")
        {
            var delta = streamEvent.Delta;
            return CohereMapper.IsFailure(delta?.FinishReason) || !string.IsNullOrEmpty(delta?.Error)
                ? GenerationError(delta?.FinishReason, delta?.Error)
                : null;
        }

        if (streamEvent.Type is null or "error" && (TextOf(streamEvent.Message) ?? TextOf(streamEvent.Error)) is { Length: > 0 } text)
        {
            return new LlmError
            {
                Kind = ClassifyWithoutStatus(null, text),
                Message = $"Backend '{Name}' sent an error in its stream: {text}",
                BackendName = Name,
            };
        }

        return null;
    }

    private LlmError GenerationError(string? finishReason, string? detail) => new()
    {
        Kind = ClassifyWithoutStatus(finishReason, detail ?? string.Empty),
        ProviderCode = finishReason,
        Message = $"Backend '{Name}' stopped generating (finish reason {finishReason ?? "none"}): {(string.IsNullOrEmpty(detail) ? "no details" : detail)}",
        BackendName = Name,
    };

    private async Task<EmbeddingResponse> EmbedCoreAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        var model = ResolveModel(request.Model, _config.EmbeddingModelName, nameof(LlmBackendConfig.EmbeddingModelName));
        var body = new CohereEmbedRequest
        {
            Model = model,
            Texts = request.Inputs,
            InputType = string.IsNullOrWhiteSpace(request.InputType) ? DefaultInputType : request.InputType,
            EmbeddingTypes = new List<string> { "float" },
            OutputDimension = request.Dimensions,
        };
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(_apiRoot, "v2/embed")) { Content = JsonBody(body, CohereJsonContext.Default.CohereEmbedRequest) };
        using var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        var wire = await ReadJsonAsync(response, CohereJsonContext.Default.CohereEmbedResponse, cancellationToken).ConfigureAwait(false);
        var vectors = wire.Embeddings?.Float;
        if (vectors is null || vectors.Count != request.Inputs.Count || vectors.Any(v => v is null))
        {
            throw InvalidResponse($"{vectors?.Count ?? 0} float embeddings came back for {request.Inputs.Count} inputs");
        }

        var tokens = wire.Meta?.BilledUnits?.InputTokens is { } billed ? (int)Math.Round(billed, MidpointRounding.AwayFromZero) : 0;
        return new EmbeddingResponse
        {
            Embeddings = vectors,
            ModelUsed = model,
            PromptTokens = tokens,
            TotalTokens = tokens,
        };
    }
}
