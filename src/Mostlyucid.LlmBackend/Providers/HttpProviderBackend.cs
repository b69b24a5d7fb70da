using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Resilience;
using Mostlyucid.LlmBackend.Services;

namespace Mostlyucid.LlmBackend.Providers;

/// <summary>
/// The machinery every built-in HTTP provider shares: sending with its own authentication, turning connection failures and
/// error statuses into typed <see cref="LlmBackendException"/>s (through the provider's <see cref="ParseError"/>),
/// reading JSON, server-sent events and JSON lines, and wrapping the exception-based core of each operation into the
/// result-based <see cref="ILlmBackend"/> contract. Providers implement <see cref="ChatCoreAsync"/>, streaming, and where
/// the provider has them, embeddings and model listing.
/// </summary>
internal abstract class HttpProviderBackend : BaseLlmBackend, IModelListingLlmBackend
{
    private const int MaxErrorBodyBytes = 64 * 1024;
    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json") { CharSet = "utf-8" };

    protected HttpProviderBackend(LlmBackendConfig config, ILogger logger, HttpClient httpClient, TimeProvider time)
        : base(config, logger, httpClient)
    {
        Time = time;
    }

    protected TimeProvider Time { get; }

    /// <summary>The header that carries the caller's request id to the provider.</summary>
    public const string RequestIdHeader = "X-Request-Id";

    /// <summary>Gets the provider's name for messages (for example "OpenAI").</summary>
    protected abstract string ProviderName { get; }

    public sealed override async Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = Time.GetTimestamp();
        try
        {
            var response = await ChatCoreAsync(request, cancellationToken).ConfigureAwait(false);
            response.BackendUsed ??= Name;
            response.DurationMs = Elapsed(started);
            RecordSuccess(response.DurationMs);
            return response;
        }
        catch (LlmBackendException ex)
        {
            // A request refused here, before anything was sent (content the provider's format cannot carry), is not the
            // backend's failure and does not count against its health.
            if (!RefusedBeforeSending(ex.Error))
            {
                RecordFailure(ex.Error.Message);
            }

            return new LlmResponse
            {
                Success = false,
                BackendUsed = Name,
                ModelUsed = request.Model ?? _config.ModelName,
                DurationMs = Elapsed(started),
                ErrorCode = ex.Error.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ex.Error.Kind.ToString(),
                ErrorMessage = ex.Error.Message,
                Error = ex.Error,
            };
        }
    }

    public override async Task<bool> IsAvailableAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await ListModelsAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (LlmBackendException)
        {
            return false;
        }
    }

    public virtual Task<IReadOnlyList<LlmModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default) =>
        throw new LlmBackendException(new LlmError { Kind = LlmErrorKind.InvalidRequest, Message = $"Backend '{Name}' ({ProviderName}) cannot list models.", BackendName = Name }, Array.Empty<BackendAttempt>());

    /// <summary>Runs the embedding core, turning its typed exceptions into a failed response.</summary>
    protected async Task<EmbeddingResponse> EmbedWithErrorsAsResultAsync(EmbeddingRequest request, Func<EmbeddingRequest, CancellationToken, Task<EmbeddingResponse>> core, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = Time.GetTimestamp();
        try
        {
            var response = await core(request, cancellationToken).ConfigureAwait(false);
            response.Success = true;
            response.BackendUsed ??= Name;
            response.DurationMs = Elapsed(started);
            RecordSuccess(response.DurationMs);
            return response;
        }
        catch (LlmBackendException ex)
        {
            RecordFailure(ex.Error.Message);
            return new EmbeddingResponse { Error = ex.Error, BackendUsed = Name, DurationMs = Elapsed(started) };
        }
    }

    /// <summary>Gets whether an error is this library refusing a request it could not translate (nothing was sent).</summary>
    protected static bool RefusedBeforeSending(LlmError error) => error.Kind == LlmErrorKind.InvalidRequest && error.StatusCode is null;

    /// <summary>Answers a chat request or throws <see cref="LlmBackendException"/>.</summary>
    protected abstract Task<LlmResponse> ChatCoreAsync(ChatRequest request, CancellationToken cancellationToken);

    /// <summary>Adds the provider's authentication to a request.</summary>
    protected abstract void Authorize(HttpRequestMessage request);

    /// <summary>Turns an error status and body into a typed error. The default reads no particular shape.</summary>
    protected virtual LlmError ParseError(int status, string body, HttpResponseHeaders headers) => new()
    {
        Kind = LlmErrorClassifier.FromStatus(status, null, body),
        StatusCode = status,
        RetryAfter = RetryAfterParser.Parse(headers, Time.GetUtcNow()),
        Message = $"Backend '{Name}' answered HTTP {status}: {(body.Length > 0 ? body : "no details")}",
        BackendName = Name,
    };

    /// <summary>The model to use: the request's, else the configured one; a clear error when neither is set.</summary>
    protected string ResolveModel(string? requested, string? configured = null, string what = "ModelName")
    {
        var model = requested ?? configured ?? _config.ModelName;
        if (string.IsNullOrWhiteSpace(model))
        {
            throw Failure(LlmErrorKind.InvalidRequest, $"Backend '{Name}' has no {what} and the request names no model: set {what} on the backend or Model on the request.");
        }

        return model;
    }

    /// <summary>
    /// Describes a failure with its causes ("An error occurred while sending the request. (Connection refused
    /// (127.0.0.1:9))"), since the outermost message alone rarely says what went wrong.
    /// </summary>
    protected static string Reason(Exception exception)
    {
        var text = new StringBuilder(exception.Message);
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (!text.ToString().Contains(inner.Message, StringComparison.Ordinal))
            {
                text.Append(" (").Append(inner.Message).Append(')');
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Serializes a body as JSON, merging the request's <see cref="LlmRequestBase.AdditionalProperties"/> at the top level
    /// (they replace a field of the same name), and a caller's pass-through fields (<see cref="ProviderPassThrough"/>,
    /// already filtered for this backend's format), which never replace a field the provider's mapping wrote.
    /// </summary>
    protected static HttpContent JsonBody<T>(T body, JsonTypeInfo<T> typeInfo, IReadOnlyDictionary<string, JsonElement>? additional = null, IReadOnlyDictionary<string, JsonElement>? passThrough = null)
    {
        byte[] bytes;
        if (additional is { Count: > 0 } || passThrough is { Count: > 0 })
        {
            var node = JsonSerializer.SerializeToNode(body, typeInfo)!.AsObject();
            foreach (var (key, value) in passThrough ?? new Dictionary<string, JsonElement>())
            {
                if (!node.ContainsKey(key))
                {
                    node[key] = JsonNode.Parse(value.GetRawText());
                }
            }

            foreach (var (key, value) in additional ?? new Dictionary<string, JsonElement>())
            {
                node[key] = JsonNode.Parse(value.GetRawText());
            }

            bytes = Encoding.UTF8.GetBytes(node.ToJsonString());
        }
        else
        {
            bytes = JsonSerializer.SerializeToUtf8Bytes(body, typeInfo);
        }

        return new ByteArrayContent(bytes) { Headers = { ContentType = JsonMediaType } };
    }

    /// <summary>Sends a request with the provider's authentication; throws a typed error for connection failures and error statuses.</summary>
    protected async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Authorize(request);

        // The caller's request id (the gateway's, when it is the caller) goes to the provider, so one id finds the
        // request in the gateway's logs, its traces and the provider's own logs.
        if (LlmCallContext.Current?.RequestId is { } requestId && !request.Headers.Contains(RequestIdHeader))
        {
            request.Headers.TryAddWithoutValidation(RequestIdHeader, requestId);
        }

        // The connect callback assumes the default limit when a request carries none, so only another limit is attached
        // (request options are a dictionary made on first use).
        if (_config.ConnectTimeoutSeconds is { } connectSeconds && connectSeconds != BackendConnectTimeout.Default.TotalSeconds)
        {
            request.Options.Set(BackendConnectTimeout.Option, TimeSpan.FromSeconds(connectSeconds));
        }

        HttpResponseMessage response;
        try
        {
            response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            var kind = ex.InnerException is TimeoutException ? LlmErrorKind.Timeout : LlmErrorClassifier.FromException(ex);
            throw Failure(kind, $"Backend '{Name}' could not reach {request.RequestUri?.GetLeftPart(UriPartial.Authority)}: {Reason(ex)}");
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            string body;
            try
            {
                body = await ReadBoundedAsync(response.Content, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException)
            {
                body = string.Empty;
            }

            var error = await ClassifyFailureAsync(request, response, body, cancellationToken).ConfigureAwait(false);
            throw new LlmBackendException(error, Array.Empty<BackendAttempt>());
        }
    }

    /// <summary>
    /// Classifies an error status. By default this is <see cref="ParseError"/>; a provider whose classification needs the
    /// request (a plugin's own error table) overrides it.
    /// </summary>
    /// <param name="request">The request that was refused.</param>
    /// <param name="response">The response (its body already read into <paramref name="body"/>).</param>
    /// <param name="body">The response body, bounded.</param>
    /// <param name="cancellationToken">Cancels the classification.</param>
    /// <returns>The error.</returns>
    protected virtual ValueTask<LlmError> ClassifyFailureAsync(HttpRequestMessage request, HttpResponseMessage response, string body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        return ValueTask.FromResult(ParseError((int)response.StatusCode, body, response.Headers));
    }

    /// <summary>Reads a JSON body; a body that is not the expected JSON is an <see cref="LlmErrorKind.InvalidResponse"/>.</summary>
    protected async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                return await JsonSerializer.DeserializeAsync(stream, typeInfo, cancellationToken).ConfigureAwait(false)
                    ?? throw InvalidResponse("the body is JSON null");
            }
        }
        catch (JsonException ex)
        {
            throw InvalidResponse($"the body is not the expected JSON ({ex.Message})");
        }
        catch (HttpRequestException ex)
        {
            throw Failure(LlmErrorKind.Network, $"Backend '{Name}' lost the connection while reading the answer: {Reason(ex)}");
        }
        catch (IOException ex)
        {
            throw Failure(LlmErrorKind.Network, $"Backend '{Name}' lost the connection while reading the answer: {Reason(ex)}");
        }
    }

    /// <summary>Reads server-sent events; a connection lost mid-stream is a typed network error.</summary>
    protected IAsyncEnumerable<SseItem<string>> ReadEventsAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        ReadEventsAsync(response, static (_, data) => Encoding.UTF8.GetString(data), cancellationToken);

    /// <summary>
    /// Reads server-sent events, each event's data turned into <typeparamref name="T"/> by <paramref name="parser"/> straight
    /// from its UTF-8 bytes (no string in between); a connection lost mid-stream is a typed network error.
    /// </summary>
    protected async IAsyncEnumerable<SseItem<T>> ReadEventsAsync<T>(HttpResponseMessage response, SseItemParser<T> parser, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var events = SseParser.Create(stream, parser).EnumerateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
            await using (events.ConfigureAwait(false))
            {
                while (true)
                {
                    bool more;
                    try
                    {
                        more = await events.MoveNextAsync().ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is HttpRequestException or IOException)
                    {
                        throw Failure(LlmErrorKind.Network, $"Backend '{Name}' lost the connection mid-stream: {Reason(ex)}");
                    }

                    if (!more)
                    {
                        yield break;
                    }

                    yield return events.Current;
                }
            }
        }
    }

    /// <summary>Reads newline-delimited JSON lines (Ollama's stream format), skipping blank lines.</summary>
    protected async IAsyncEnumerable<string> ReadLinesAsync(HttpResponseMessage response, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                throw Failure(LlmErrorKind.Network, $"Backend '{Name}' lost the connection mid-stream: {ex.Message}");
            }

            if (line is null)
            {
                yield break;
            }

            if (line.Length > 0)
            {
                yield return line;
            }
        }
    }

    /// <summary>Parses one JSON fragment of a stream; malformed JSON is an <see cref="LlmErrorKind.InvalidResponse"/>.</summary>
    protected T ParseFragment<T>(string json, JsonTypeInfo<T> typeInfo)
    {
        try
        {
            return JsonSerializer.Deserialize(json, typeInfo) ?? throw InvalidResponse(FragmentIsNull);
        }
        catch (JsonException ex)
        {
            throw InvalidResponse(FragmentIsNotJson(ex));
        }
    }

    /// <summary>
    /// Parses one stream event's data straight from its UTF-8 bytes, for a <see cref="SseItemParser{T}"/>: the value, or
    /// what is wrong with it (<see cref="FragmentIsNull"/>, <see cref="FragmentIsNotJson"/>) for the stream to report
    /// when it reaches the event; both <see langword="null"/> for a blank event, which is skipped.
    /// </summary>
    protected static (T? Value, string? Problem) ParseFragment<T>(ReadOnlySpan<byte> data, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        if (data.IndexOfAnyExcept(" \t\r\n"u8) < 0)
        {
            return (null, null);
        }

        try
        {
            return JsonSerializer.Deserialize(data, typeInfo) is { } value ? (value, null) : (null, FragmentIsNull);
        }
        catch (JsonException ex)
        {
            return (null, FragmentIsNotJson(ex));
        }
    }

    /// <summary>What is wrong with a stream event that is JSON <c>null</c>, for <see cref="InvalidResponse"/>.</summary>
    protected const string FragmentIsNull = "a stream event is JSON null";

    /// <summary>What is wrong with a stream event that is not JSON of the expected shape, for <see cref="InvalidResponse"/>.</summary>
    protected static string FragmentIsNotJson(JsonException exception) => $"a stream event is not valid JSON ({exception.Message})";

    protected LlmBackendException InvalidResponse(string what) =>
        Failure(LlmErrorKind.InvalidResponse, $"Backend '{Name}' returned an answer that cannot be used: {what}.");

    protected LlmBackendException Failure(LlmErrorKind kind, string message) =>
        new(new LlmError { Kind = kind, Message = message, BackendName = Name }, Array.Empty<BackendAttempt>());

    protected long Elapsed(long started) => (long)Time.GetElapsedTime(started).TotalMilliseconds;

    /// <summary>Parses a tool call's arguments text as JSON, for providers that take an object; invalid JSON is sent as a string field.</summary>
    protected static JsonElement ArgumentsAsObject(string arguments)
    {
        try
        {
            using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(arguments) ? "{}" : arguments);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.Clone()
                : JsonSerializer.SerializeToElement(new Dictionary<string, JsonElement> { ["value"] = document.RootElement.Clone() }, ProviderJsonContext.Default.DictionaryStringJsonElement);
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["raw_arguments"] = arguments }, ProviderJsonContext.Default.DictionaryStringString);
        }
    }

    private static async Task<string> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[MaxErrorBodyBytes];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            var text = Encoding.UTF8.GetString(buffer, 0, total);
            return total == buffer.Length ? text + $"… (error body longer than {MaxErrorBodyBytes} bytes; rest not read)" : text;
        }
    }
}
