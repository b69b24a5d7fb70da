using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Providers.Translation;
using Mostlyucid.LlmBackend.Resilience;

namespace Mostlyucid.LlmBackend.Providers.Anthropic;

/// <summary>
/// Anthropic's Messages API (<c>POST /v1/messages</c>, JSON or server-sent events) and models API
/// (<c>GET /v1/models</c>), with the key in <c>x-api-key</c> and the API version in <c>anthropic-version</c>
/// (<c>ApiVersion</c>, default <see cref="DefaultApiVersion"/>). The base URL defaults to <see cref="DefaultBaseUrl"/>;
/// <c>/v1</c> is added unless the configured URL already ends with it. Anthropic has no embeddings API. Input tokens are
/// counted exactly by <c>POST /v1/messages/count_tokens</c>. A caller's Anthropic-format pass-through (fields the model
/// does not cover, and the <c>anthropic-beta</c> header) is sent on; other formats' fields are left out and logged.
/// </summary>
internal sealed class AnthropicBackend : HttpProviderBackend, ILlmBackendCapabilities, ITokenCountingLlmBackend
{
    /// <summary>The API's address when no <c>BaseUrl</c> is configured.</summary>
    public const string DefaultBaseUrl = "https://api.anthropic.com";

    /// <summary>The <c>anthropic-version</c> sent when no <c>ApiVersion</c> is configured.</summary>
    public const string DefaultApiVersion = "2023-06-01";

    /// <summary>The most models one page of <c>GET /v1/models</c> may hold.</summary>
    private const int ModelPageSize = 1000;

    /// <summary>A bound on model pages read, so a server that always says <c>has_more</c> cannot loop forever.</summary>
    private const int MaxModelPages = 20;

    private readonly Uri _apiRoot;
    private readonly Uri _messagesUri;
    private readonly string _apiVersion;

    public AnthropicBackend(LlmBackendConfig config, ILogger logger, HttpClient httpClient, TimeProvider time)
        : base(config, logger, httpClient, time)
    {
        _apiRoot = ApiRoot(string.IsNullOrWhiteSpace(config.BaseUrl) ? DefaultBaseUrl : config.BaseUrl);
        _messagesUri = new Uri(_apiRoot, "messages"); // immutable: one for every request
        _apiVersion = string.IsNullOrWhiteSpace(config.ApiVersion) ? DefaultApiVersion : config.ApiVersion.Trim();
        ConfigureHttpClient();
    }

    /// <summary>Gets <see langword="true"/>: a final assistant message is continued (Anthropic's prefill).</summary>
    public bool SupportsAssistantPrefill => true;

    protected override string ProviderName => "Anthropic";

    /// <summary>The API root with a trailing slash: the configured path ending in <c>/v1/</c>.</summary>
    internal static Uri ApiRoot(string baseUrl)
    {
        var uri = new Uri(baseUrl, UriKind.Absolute);
        var path = uri.AbsolutePath.TrimEnd('/');
        if (!path.EndsWith("/v1", StringComparison.Ordinal))
        {
            path += "/v1";
        }

        return new UriBuilder(uri) { Path = path + "/", Query = string.Empty }.Uri;
    }

    public override async Task<IReadOnlyList<LlmModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        var models = new List<LlmModelInfo>();
        string? after = null;
        for (var page = 0; page < MaxModelPages; page++)
        {
            var query = string.Create(CultureInfo.InvariantCulture, $"models?limit={ModelPageSize}") + (after is null ? string.Empty : "&after_id=" + Uri.EscapeDataString(after));
            using var request = NewRequest(HttpMethod.Get, new Uri(_apiRoot, query));
            using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            var list = await ReadJsonAsync(response, AnthropicJsonContext.Default.AnthropicModelList, cancellationToken).ConfigureAwait(false);
            models.AddRange((list.Data ?? new List<AnthropicModel>())
                .Where(m => !string.IsNullOrEmpty(m.Id))
                .Select(m => new LlmModelInfo
                {
                    Id = m.Id!,
                    BackendName = Name,
                    OwnedBy = "anthropic",
                    DisplayName = m.DisplayName,
                    Created = DateTimeOffset.TryParse(m.CreatedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created) ? created : null,
                }));
            if (!list.HasMore || string.IsNullOrEmpty(list.LastId) || list.LastId == after)
            {
                break;
            }

            after = list.LastId;
        }

        return models;
    }

    public override async IAsyncEnumerable<ChatStreamUpdate> StreamChatAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var model = ResolveModel(request.Model);
        using var message = NewRequest(HttpMethod.Post, _messagesUri, request);
        message.Content = Body(request, model, stream: true);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        var decoder = new AnthropicStreamDecoder();
        await foreach (var item in ReadEventsAsync(response, StreamItem.Parse, cancellationToken).ConfigureAwait(false))
        {
            if (item.Data.Problem is { } problem)
            {
                throw InvalidResponse(problem);
            }

            if (item.Data.Event is not { } streamEvent)
            {
                continue;
            }

            if (item.Data.ErrorText is { } errorText)
            {
                throw new LlmBackendException(ToError(streamEvent.Error, requestId: null, status: null, headers: null, fallback: errorText), Array.Empty<BackendAttempt>());
            }

            if (decoder.Read(streamEvent) is { } update)
            {
                yield return update;
            }

            if (decoder.Stopped)
            {
                yield break;
            }
        }

        if (!decoder.Finished)
        {
            throw Failure(LlmErrorKind.Network, $"Backend '{Name}' ended its stream before its stop reason (no message_delta with stop_reason, no message_stop): the answer is incomplete.");
        }
    }

    protected override async Task<LlmResponse> ChatCoreAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        var model = ResolveModel(request.Model);
        using var message = NewRequest(HttpMethod.Post, _messagesUri, request);
        message.Content = Body(request, model, stream: false);
        using var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        var wire = await ReadJsonAsync(response, AnthropicJsonContext.Default.AnthropicMessagesResponse, cancellationToken).ConfigureAwait(false);
        if (wire.Content is null)
        {
            throw InvalidResponse("the response has no content array");
        }

        return AnthropicMapper.FromWire(wire, model);
    }

    /// <summary>Counts the request's input tokens with <c>POST /v1/messages/count_tokens</c> (free, and not a generation).</summary>
    public async Task<int> CountTokensAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var model = ResolveModel(request.Model);
        using var message = NewRequest(HttpMethod.Post, new Uri(_apiRoot, "messages/count_tokens"), request);
        var wire = AnthropicCountTokensRequest.From(AnthropicMapper.ToWire(request, model, _config.MaxOutputTokens, _config.Temperature, stream: false, ArgumentsAsObject));
        message.Content = JsonBody(wire, AnthropicJsonContext.Default.AnthropicCountTokensRequest);
        using var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        var counted = await ReadJsonAsync(response, AnthropicJsonContext.Default.AnthropicCountTokensResponse, cancellationToken).ConfigureAwait(false);
        return counted.InputTokens ?? throw InvalidResponse("the count_tokens answer has no input_tokens");
    }

    protected override void Authorize(HttpRequestMessage request)
    {
        if (!string.IsNullOrEmpty(_config.ApiKey))
        {
            request.Headers.TryAddWithoutValidation("x-api-key", _config.ApiKey);
        }
    }

    protected override LlmError ParseError(int status, string body, HttpResponseHeaders headers)
    {
        AnthropicErrorEnvelope? envelope = null;
        try
        {
            envelope = body.Length > 0 ? JsonSerializer.Deserialize(body, AnthropicJsonContext.Default.AnthropicErrorEnvelope) : null;
        }
        catch (JsonException)
        {
            // Not Anthropic's error shape (a proxy's HTML page, plain text): the raw text is reported.
        }

        var requestId = envelope?.RequestId ?? (headers.TryGetValues("request-id", out var ids) ? ids.FirstOrDefault() : null);
        return ToError(envelope?.Error, requestId, status, headers, body);
    }

    /// <summary>The status Anthropic answers each error type with, to classify errors that arrive inside a stream.</summary>
    private static int? StatusOf(string? errorType) => errorType switch
    {
        "invalid_request_error" => 400,
        "authentication_error" => 401,
        "billing_error" => 402,
        "permission_error" => 403,
        "not_found_error" => 404,
        "request_too_large" => 413,
        "rate_limit_error" => 429,
        "api_error" => 500,
        "timeout_error" => 504,
        "overloaded_error" => 529,
        _ => null,
    };

    private static LlmErrorKind Classify(int? status, string? errorType, string? message)
    {
        // An error type this code does not know, inside a stream, means the provider broke off: a server error.
        var kind = LlmErrorClassifier.FromStatus(status ?? StatusOf(errorType) ?? 500, errorType, message);

        // Anthropic has no error type of its own for content policy blocks: they come as a 400 invalid_request_error whose
        // message names the policy ("Output blocked by content filtering policy"), so the message is what tells them apart
        // from malformed requests, which retrying or failing over would not fix either but which callers handle differently.
        if (kind == LlmErrorKind.InvalidRequest
            && message is not null
            && (message.Contains("content filtering policy", StringComparison.OrdinalIgnoreCase) || message.Contains("content policy", StringComparison.OrdinalIgnoreCase)))
        {
            return LlmErrorKind.ContentFiltered;
        }

        return kind;
    }

    /// <summary>
    /// A request to the API with this backend's <c>anthropic-version</c> (never the caller's: the mapping is written for
    /// it) and the caller's Anthropic headers (<c>anthropic-beta</c>) when the request carries them.
    /// </summary>
    private HttpRequestMessage NewRequest(HttpMethod method, Uri uri, LlmRequestBase? from = null)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.TryAddWithoutValidation("anthropic-version", _apiVersion);
        if (from is not null)
        {
            PassThroughFilter.AddHeaders(request, from, WireFormats.Anthropic);
        }

        return request;
    }

    /// <summary>
    /// The Messages body: the mapped request, the caller's Anthropic-format pass-through fields, the application's
    /// additional properties. Options Anthropic has no equivalent for are left out with a Debug log.
    /// </summary>
    private HttpContent Body(ChatRequest request, string model, bool stream)
    {
        PassThroughFilter.LogDroppedOptions(
            _logger,
            Name,
            ProviderName,
            ("seed", request.Seed is not null),
            ("frequency_penalty", request.FrequencyPenalty is not null),
            ("presence_penalty", request.PresencePenalty is not null),
            ("logprobs", request.Logprobs is not null),
            ("top_logprobs", request.TopLogprobs is not null),
            ("reasoning_effort", request.ReasoningEffort is not null),
            ("tools[].strict", request.Tools?.Any(t => t.Strict is not null) == true));
        var passThrough = PassThroughFilter.Fields(request, WireFormats.Anthropic, Name, ProviderName, _logger);
        return JsonBody(
            AnthropicMapper.ToWire(request, model, _config.MaxOutputTokens, _config.Temperature, stream, ArgumentsAsObject),
            AnthropicJsonContext.Default.AnthropicMessagesRequest,
            request.AdditionalProperties,
            passThrough);
    }

    private LlmError ToError(AnthropicError? error, string? requestId, int? status, HttpResponseHeaders? headers, string fallback)
    {
        var detail = error?.Message ?? (fallback.Length > 0 ? fallback : "no details");
        if (!string.IsNullOrEmpty(requestId))
        {
            detail += $" (request id {requestId})";
        }

        return new LlmError
        {
            Kind = Classify(status, error?.Type, error?.Message ?? fallback),
            StatusCode = status,
            ProviderCode = error?.Type,
            RetryAfter = headers is null ? null : RetryAfterParser.Parse(headers, Time.GetUtcNow()),
            Message = status is { } s ? $"Backend '{Name}' answered HTTP {s}: {detail}" : $"Backend '{Name}' sent an error in its stream: {detail}",
            BackendName = Name,
        };
    }

    /// <summary>
    /// One server-sent event of a Messages stream, parsed straight from its UTF-8 bytes: the event, nothing (a blank
    /// event), or what is wrong with it. Its text is kept only for an error event, to quote in the failure.
    /// </summary>
    private readonly record struct StreamItem(AnthropicStreamEvent? Event, string? Problem, string? ErrorText)
    {
        public static StreamItem Parse(string eventType, ReadOnlySpan<byte> data)
        {
            var (streamEvent, problem) = ParseFragment(data, AnthropicJsonContext.Default.AnthropicStreamEvent);
            var isError = streamEvent is not null && (eventType == "error" || streamEvent.Type == "error");
            return new StreamItem(streamEvent, problem, isError ? Encoding.UTF8.GetString(data) : null);
        }
    }
}
