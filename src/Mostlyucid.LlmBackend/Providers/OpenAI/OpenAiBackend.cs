using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Providers.Translation;
using Mostlyucid.LlmBackend.Resilience;

namespace Mostlyucid.LlmBackend.Providers.OpenAI;

/// <summary>
/// OpenAI's chat completions, embeddings and models APIs, and every service that speaks them (with a
/// <see cref="OpenAiDialect"/> for its differences). The base URL may include the API's version path
/// (<c>https://api.openai.com/v1</c>, <c>https://openrouter.ai/api/v1</c>); a bare host gets <c>/v1</c>.
/// </summary>
internal class OpenAiBackend : HttpProviderBackend, IEmbeddingLlmBackend
{
    private readonly Uri? _apiRoot;
    private Uri? _chatUri;
    private Uri? _embeddingsUri;

    public OpenAiBackend(LlmBackendConfig config, ILogger logger, HttpClient httpClient, TimeProvider time, OpenAiDialect dialect)
        : base(config, logger, httpClient, time)
    {
        Dialect = dialect;
        if (dialect != OpenAiPresets.Azure)
        {
            _apiRoot = ApiRoot(config.BaseUrl ?? dialect.DefaultBaseUrl
                ?? throw new ArgumentException($"Backend '{config.Name}' needs a BaseUrl.", nameof(config)));
        }

        ConfigureHttpClient();
    }

    protected OpenAiDialect Dialect { get; }

    protected override string ProviderName => Dialect.Name;

    /// <summary>The API root with a trailing slash: the configured path, or <c>/v1/</c> for a bare host.</summary>
    internal static Uri ApiRoot(string baseUrl)
    {
        var uri = new Uri(baseUrl, UriKind.Absolute);
        var path = uri.AbsolutePath.TrimEnd('/');
        if (path.Length == 0)
        {
            path = "/v1";
        }

        return new UriBuilder(uri) { Path = path + "/", Query = string.Empty }.Uri;
    }

    public override async Task<IReadOnlyList<LlmModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ModelsUri());
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var list = await ReadJsonAsync(response, OpenAiJsonContext.Default.OpenAiModelList, cancellationToken).ConfigureAwait(false);
        return (list.Data ?? new List<OpenAiModel>())
            .Where(m => !string.IsNullOrEmpty(m.Id))
            .Select(m => new LlmModelInfo
            {
                Id = m.Id!,
                BackendName = Name,
                OwnedBy = m.OwnedBy,
                Created = m.Created is { } created ? DateTimeOffset.FromUnixTimeSeconds(created) : null,
            })
            .ToArray();
    }

    public Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default) =>
        EmbedWithErrorsAsResultAsync(request, EmbedCoreAsync, cancellationToken);

    public override async IAsyncEnumerable<ChatStreamUpdate> StreamChatAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var model = ResolveModel(request.Model);
        using var message = new HttpRequestMessage(HttpMethod.Post, ChatUri(model))
        {
            Content = Body(request, model, stream: true),
        };
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        PassThroughFilter.AddHeaders(message, request, WireFormats.OpenAi);
        using var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        var finished = false;
        await foreach (var item in ReadEventsAsync(response, StreamEvent.Parse, cancellationToken).ConfigureAwait(false))
        {
            var streamEvent = item.Data;
            if (streamEvent.Done)
            {
                yield break;
            }

            if (streamEvent.Problem is { } problem)
            {
                throw InvalidResponse(problem);
            }

            if (streamEvent.Chunk is not { } chunk)
            {
                continue;
            }

            if (chunk.Error is { } error)
            {
                throw new LlmBackendException(ToError(error, status: null, headers: null, fallback: streamEvent.Text ?? string.Empty), Array.Empty<BackendAttempt>());
            }

            if (OpenAiMapper.FromChunk(chunk) is { } update)
            {
                finished |= update.FinishReason is not null;
                yield return update;
            }
        }

        // Some servers never send [DONE]: a body that ends after the finish reason is a complete answer; one that ends
        // before it was cut off, and must never pass for a complete answer.
        if (!finished)
        {
            throw Failure(LlmErrorKind.Network, $"Backend '{Name}' ended its stream before the answer finished (no finish_reason and no [DONE]).");
        }
    }

    protected override async Task<LlmResponse> ChatCoreAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        var model = ResolveModel(request.Model);
        using var message = new HttpRequestMessage(HttpMethod.Post, ChatUri(model))
        {
            Content = Body(request, model, stream: false),
        };
        PassThroughFilter.AddHeaders(message, request, WireFormats.OpenAi);
        using var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        var wire = await ReadJsonAsync(response, OpenAiJsonContext.Default.OpenAiChatResponse, cancellationToken).ConfigureAwait(false);
        if (wire.Choices is not { Count: > 0 } || wire.Choices[0].Message is null)
        {
            throw InvalidResponse("the response has no choices[0].message");
        }

        return OpenAiMapper.FromWire(wire, model);
    }

    /// <summary>Gets the chat endpoint (one <see cref="Uri"/> for every request: it is immutable, and parsing one a request showed in profiles).</summary>
    protected virtual Uri ChatUri(string model) => _chatUri ??= new(_apiRoot!, "chat/completions");

    /// <summary>
    /// The chat body: the mapped request, the caller's OpenAI-format pass-through fields, the application's additional
    /// properties. Content the format cannot carry is the request's fault, named in the error.
    /// </summary>
    private HttpContent Body(ChatRequest request, string model, bool stream)
    {
        OpenAiChatRequest wire;
        try
        {
            wire = OpenAiMapper.ToWire(request, model, Dialect, _config.MaxOutputTokens, _config.Temperature, stream);
        }
        catch (NotSupportedException ex)
        {
            throw Failure(LlmErrorKind.InvalidRequest, $"Backend '{Name}' ({Dialect.Name}) cannot take this request: {ex.Message}.");
        }

        PassThroughFilter.LogDroppedOptions(
            _logger,
            Name,
            ProviderName,
            ("top_k", request.TopK is not null),
            ("thinking.budget_tokens", request.ThinkingBudgetTokens is not null),
            ("cache_control", request.Tools?.Any(t => t.CacheControl is not null) == true || request.Messages.Any(m => m.Parts?.Any(p => p.CacheControl is not null) == true)));
        var passThrough = PassThroughFilter.Fields(request, WireFormats.OpenAi, Name, ProviderName, _logger);
        return JsonBody(wire, OpenAiJsonContext.Default.OpenAiChatRequest, request.AdditionalProperties, passThrough);
    }

    protected virtual Uri EmbeddingsUri(string model) => _embeddingsUri ??= new(_apiRoot!, "embeddings");

    protected virtual Uri ModelsUri() => new(_apiRoot!, "models");

    protected override void Authorize(HttpRequestMessage request)
    {
        if (!string.IsNullOrEmpty(_config.ApiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _config.ApiKey);
        }
    }

    protected override LlmError ParseError(int status, string body, HttpResponseHeaders headers)
    {
        OpenAiErrorBody? error = null;
        try
        {
            error = body.Length > 0 ? JsonSerializer.Deserialize(body, OpenAiJsonContext.Default.OpenAiErrorEnvelope)?.Error : null;
        }
        catch (JsonException)
        {
            // Not OpenAI's error shape (a proxy's HTML page, plain text): the raw text is reported.
        }

        return ToError(error, status, headers, body);
    }

    private LlmError ToError(OpenAiErrorBody? error, int? status, HttpResponseHeaders? headers, string fallback)
    {
        var code = error?.CodeText ?? error?.Type;
        var detail = error?.Message ?? (fallback.Length > 0 ? fallback : "no details");
        return new LlmError
        {
            Kind = status is { } s ? LlmErrorClassifier.FromStatus(s, code, error?.Message ?? fallback) : ClassifyStreamError(code, detail),
            StatusCode = status,
            ProviderCode = code,
            RetryAfter = headers is null ? null : RetryAfterParser.Parse(headers, Time.GetUtcNow()),
            Message = status is { } st ? $"Backend '{Name}' answered HTTP {st}: {detail}" : $"Backend '{Name}' sent an error in its stream: {detail}",
            BackendName = Name,
        };
    }

    private static LlmErrorKind ClassifyStreamError(string? code, string message) => code switch
    {
        "rate_limit_exceeded" or "rate_limit_error" => LlmErrorKind.RateLimited,
        "server_error" or "internal_error" or "overloaded_error" => LlmErrorKind.ServerError,
        _ => LlmErrorClassifier.FromStatus(400, code, message) is var kind && kind != LlmErrorKind.InvalidRequest ? kind : LlmErrorKind.ServerError,
    };

    private async Task<EmbeddingResponse> EmbedCoreAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        if (!Dialect.SupportsEmbeddings)
        {
            throw Failure(LlmErrorKind.InvalidRequest, $"Backend '{Name}' ({Dialect.Name}) has no embeddings API.");
        }

        var model = ResolveModel(request.Model, _config.EmbeddingModelName, nameof(LlmBackendConfig.EmbeddingModelName));
        var body = new OpenAiEmbeddingRequest
        {
            Model = model,
            Input = JsonSerializer.SerializeToElement(request.Inputs, ProviderJsonContext.Default.ListString),
            Dimensions = request.Dimensions,
            EncodingFormat = "float",
        };
        using var message = new HttpRequestMessage(HttpMethod.Post, EmbeddingsUri(model)) { Content = JsonBody(body, OpenAiJsonContext.Default.OpenAiEmbeddingRequest) };
        using var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        var wire = await ReadJsonAsync(response, OpenAiJsonContext.Default.OpenAiEmbeddingResponse, cancellationToken).ConfigureAwait(false);
        var data = (wire.Data ?? new List<OpenAiEmbedding>()).OrderBy(d => d.Index).ToList();
        if (data.Count != request.Inputs.Count || data.Any(d => d.Embedding is null))
        {
            throw InvalidResponse($"{data.Count} embeddings came back for {request.Inputs.Count} inputs");
        }

        return new EmbeddingResponse
        {
            Embeddings = data.Select(d => d.Embedding!).ToList(),
            ModelUsed = wire.Model ?? model,
            PromptTokens = wire.Usage?.PromptTokens ?? 0,
            TotalTokens = wire.Usage?.TotalTokens ?? wire.Usage?.PromptTokens ?? 0,
        };
    }

    /// <summary>
    /// One event of a chat stream, parsed straight from its UTF-8 bytes: <c>[DONE]</c>, a chunk, nothing (a blank event),
    /// or what is wrong with it. Its text is kept only when the chunk is an error, to quote in the failure.
    /// </summary>
    private readonly record struct StreamEvent(bool Done, OpenAiChatResponse? Chunk, string? Problem, string? Text)
    {
        public static StreamEvent Parse(string eventType, ReadOnlySpan<byte> data)
        {
            if (data.SequenceEqual("[DONE]"u8))
            {
                return new StreamEvent(Done: true, Chunk: null, Problem: null, Text: null);
            }

            var (chunk, problem) = ParseFragment(data, OpenAiJsonContext.Default.OpenAiChatResponse);
            return new StreamEvent(Done: false, chunk, problem, Text: chunk?.Error is null ? null : System.Text.Encoding.UTF8.GetString(data));
        }
    }
}
