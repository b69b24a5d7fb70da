using System.Buffers;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Providers;
using Mostlyucid.LlmBackend.Wasm.Abi;
using Mostlyucid.LlmBackend.Wasm.Carriers;
using Mostlyucid.LlmBackend.Wasm.Runtime;

namespace Mostlyucid.LlmBackend.Wasm.Backend;

/// <summary>
/// A backend whose provider is a plugin speaking QueryMT's request/parse ABI, carried as a WebAssembly module or a native
/// library. The plugin only builds requests and parses responses; every request it builds is checked against its allowed
/// hosts and sent by this backend's own HTTP client, so time limits, retries, circuit breakers, statistics and failover
/// apply exactly as for the built-in providers.
/// </summary>
internal sealed class PluginBackend : HttpProviderBackend, IStreamingLlmBackend, IEmbeddingLlmBackend, IPluginHttp
{
    /// <summary>Marks a request the plugin built for a chat, with the configuration it was built from (for classify_chat_error).</summary>
    private static readonly HttpRequestOptionsKey<JsonObject> ChatConfiguration = new("llmb.plugin.chat-cfg");

    private const int MaxResponseBytes = 64 * 1024 * 1024;

    /// <summary>The most stream lines sent to the parser in one round trip (a long burst is split).</summary>
    private const int MaxLinesPerBatch = 64;
    private static readonly byte[] Newline = "\n"u8.ToArray();

    private readonly IPluginCarrier _carrier;
    private readonly PluginDescriptor _plugin;

    public PluginBackend(LlmBackendConfig config, ILogger logger, HttpClient httpClient, TimeProvider time, IPluginCarrier carrier, PluginDescriptor plugin)
        : base(config, logger, httpClient, time)
    {
        _carrier = carrier;
        _plugin = plugin;

        // The backend's own settings (extra Headers, TimeoutSeconds) apply to the requests the plugin builds.
        ConfigureHttpClient();
    }

    /// <summary>Gets the plugin that serves this backend.</summary>
    public PluginDescriptor Plugin => _plugin;

    protected override string ProviderName => $"plugin '{_plugin.Name}'";

    public override async Task<IReadOnlyList<LlmModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        var cfg = _plugin.Configuration;
        List<string>? models = null;
        if (_plugin.InPlugin)
        {
            if (!_carrier.Exports.Contains(PluginExports.ListModels))
            {
                return Array.Empty<LlmModelInfo>();
            }

            models = Read(await CallAsync(PluginExports.ListModels, QueryMtRequests.Bare(cfg), null, cancellationToken).ConfigureAwait(false), o => QueryMtResults.Models(o, PluginExports.ListModels)) ?? new List<string>();
        }
        else if (_carrier.Exports.Contains(PluginExports.ListModelsStatic))
        {
            models = Read(await CallAsync(PluginExports.ListModelsStatic, QueryMtRequests.WithConfig(cfg), null, cancellationToken).ConfigureAwait(false), o => QueryMtResults.Models(o, PluginExports.ListModelsStatic));
        }

        if (models is null && !_plugin.InPlugin)
        {
            var built = await CallAsync(PluginExports.ListModelsRequest, QueryMtRequests.WithConfig(cfg), null, cancellationToken).ConfigureAwait(false);
            var (status, headers, body) = await SendBuiltAsync(built, cancellationToken).ConfigureAwait(false);
            var parsed = await CallAsync(PluginExports.ParseListModelsResponse, ResponseInput(null, status, headers, body), null, cancellationToken).ConfigureAwait(false);
            models = Read(parsed, o => QueryMtResults.Models(o, PluginExports.ParseListModelsResponse)) ?? new List<string>();
        }

        return (models ?? new List<string>()).Select(id => new LlmModelInfo { Id = id, BackendName = Name, OwnedBy = _plugin.Name }).ToList();
    }

    public override async IAsyncEnumerable<ChatStreamUpdate> StreamChatAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_plugin.CanStream)
        {
            // Without the parser exports, the answer arrives whole and is streamed as one update.
            await foreach (var update in base.StreamChatAsync(request, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }

            yield break;
        }

        if (_plugin.InPlugin)
        {
            await foreach (var update in StreamInPluginAsync(request, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }

            yield break;
        }

        // The request and its parser in one round trip to the sandbox; both need only the configuration.
        var cfg = ConfigurationFor(request);
        var opened = await CallEachAsync(
            new[] { new PluginCall(PluginExports.ChatStreamRequest, QueryMtRequests.Chat(cfg, request)), new PluginCall(PluginExports.StreamParserStart, QueryMtRequests.Bare(cfg)) },
            null,
            cancellationToken).ConfigureAwait(false);
        if (opened.Failure is { } openFailure)
        {
            throw ToBackendException(openFailure, opened.Outputs.Count == 0 ? PluginExports.ChatStreamRequest : PluginExports.StreamParserStart);
        }

        var parserId = Read(opened.Outputs[1], o => QueryMtResults.Number(o, PluginExports.StreamParserStart));
        var instance = opened.Instance;
        var model = Model(cfg, request);
        var state = new StreamState();
        var closed = false;
        try
        {
            using var response = await SendAsync(ToHttpRequest(opened.Outputs[0], cfg), cancellationToken).ConfigureAwait(false);
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var pending = new ArrayBufferWriter<byte>();
                var buffer = new byte[16 * 1024];
                while (true)
                {
                    int read;
                    try
                    {
                        read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is HttpRequestException or IOException)
                    {
                        throw Failure(LlmErrorKind.Network, $"Backend '{Name}' lost the connection mid-stream: {Reason(ex)}");
                    }

                    if (read == 0)
                    {
                        break;
                    }

                    // Every line goes to the parser on its own call, as the ABI says; the lines that arrived together
                    // travel to the sandbox together.
                    pending.Write(buffer.AsSpan(0, read));
                    var lines = TakeLines(pending);
                    for (var first = 0; first < lines.Count; first += MaxLinesPerBatch)
                    {
                        var calls = new List<PluginCall>(Math.Min(MaxLinesPerBatch, lines.Count - first));
                        for (var i = first; i < lines.Count && i < first + MaxLinesPerBatch; i++)
                        {
                            calls.Add(new PluginCall(PluginExports.StreamParserParse, QueryMtRequests.ParserChunk(parserId, lines[i])));
                        }

                        var parsed = await CallEachAsync(calls, instance, cancellationToken).ConfigureAwait(false);
                        foreach (var output in parsed.Outputs)
                        {
                            foreach (var update in state.Apply(Read(output, QueryMtResults.Chunks), model))
                            {
                                yield return update;
                            }
                        }

                        if (parsed.Failure is { } parseFailure)
                        {
                            throw ToBackendException(parseFailure, PluginExports.StreamParserParse);
                        }
                    }
                }

                // The end of the body: flush a last line without its newline, let the parser finish, and close it — in
                // one round trip.
                pending.Write(Newline);
                var ending = new List<PluginCall>(3)
                {
                    new(PluginExports.StreamParserParse, QueryMtRequests.ParserChunk(parserId, pending.WrittenSpan)),
                    new(PluginExports.StreamParserFinish, QueryMtRequests.Bare(JsonValue.Create(parserId))),
                };
                if (_carrier.Exports.Contains(PluginExports.StreamParserClose))
                {
                    ending.Add(new(PluginExports.StreamParserClose, QueryMtRequests.Bare(JsonValue.Create(parserId))));
                }

                var ended = await CallEachAsync(ending, instance, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < ended.Outputs.Count && i < 2; i++)
                {
                    foreach (var update in state.Apply(Read(ended.Outputs[i], QueryMtResults.Chunks), model))
                    {
                        yield return update;
                    }
                }

                // A failed close is ignored, as when it is made alone: the parser is gone with its instance or was removed by finish.
                closed = ended.Outputs.Count >= 2 && ending.Count == 3;
                if (ended.Failure is { } endFailure && ended.Outputs.Count < 2)
                {
                    throw ToBackendException(endFailure, ending[ended.Outputs.Count].Function);
                }
            }
        }
        finally
        {
            if (!closed)
            {
                await CloseParserAsync(parserId, instance).ConfigureAwait(false);
            }
        }

        if (!state.Done)
        {
            throw Failure(LlmErrorKind.Network, $"Backend '{Name}' ended its stream before the answer finished (the plugin's parser reported no end of answer).");
        }
    }

    /// <summary>
    /// Streams through a plugin that does its own HTTP: its <c>chat_stream</c> runs (with <c>stream: true</c> in its
    /// configuration, as QueryMT sets it) and yields each chunk through <c>qmt_yield_chunk</c> while it reads the
    /// provider's stream through <c>qmt_http_stream_*</c>.
    /// </summary>
    private async IAsyncEnumerable<ChatStreamUpdate> StreamInPluginAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_carrier is not IYieldingPluginCarrier yielding)
        {
            throw Failure(LlmErrorKind.Unknown, $"Backend '{Name}': plugin '{_plugin.Name}' streams by yielding chunks, which its carrier cannot run.");
        }

        var cfg = ConfigurationFor(request);
        cfg["stream"] = true;
        var model = Model(cfg, request);
        var state = new StreamState();
        var chunks = yielding.CallYieldingAsync(PluginExports.ChatStream, QueryMtRequests.Chat(cfg, request), cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (chunks.ConfigureAwait(false))
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await chunks.MoveNextAsync().ConfigureAwait(false);
                }
                catch (PluginCallException ex)
                {
                    throw ToBackendException(ex, PluginExports.ChatStream);
                }

                if (!more)
                {
                    break;
                }

                foreach (var update in state.Apply(Read(chunks.Current, QueryMtResults.YieldedChunk), model))
                {
                    yield return update;
                }
            }
        }

        if (!state.Done)
        {
            throw Failure(LlmErrorKind.Network, $"Backend '{Name}' ended its stream before the answer finished (the plugin's chat_stream returned without a done chunk).");
        }
    }

    public Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default) =>
        EmbedWithErrorsAsResultAsync(request, EmbedCoreAsync, cancellationToken);

    public override async Task<LlmResponse> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_plugin.CanComplete || !string.IsNullOrEmpty(request.SystemPrompt))
        {
            return await base.CompleteAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var startedAt = Time.GetTimestamp();
        try
        {
            var cfg = ConfigurationFor(new ChatRequest { Model = request.Model, MaxTokens = request.MaxTokens, Temperature = request.Temperature });
            var input = QueryMtRequests.WithConfig(cfg, writer =>
            {
                writer.WriteStartObject("req");
                writer.WriteString("prompt", request.Prompt);
                writer.WriteNull("suffix");
                WriteOptional(writer, "max_tokens", request.MaxTokens ?? _config.MaxOutputTokens);
                WriteOptional(writer, "temperature", request.Temperature ?? _config.Temperature);
                writer.WriteEndObject();
            });
            PluginCallResult parsed;
            if (_plugin.InPlugin)
            {
                parsed = await CallAsync(PluginExports.Complete, input, null, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var built = await CallAsync(PluginExports.CompleteRequest, input, null, cancellationToken).ConfigureAwait(false);
                var (status, headers, body) = await SendBuiltAsync(built, cancellationToken).ConfigureAwait(false);
                parsed = await CallAsync(PluginExports.ParseCompleteResponse, ResponseInput(cfg, status, headers, body), null, cancellationToken).ConfigureAwait(false);
            }

            var response = new LlmResponse { Success = true, Content = Read(parsed, QueryMtResults.Completion), BackendUsed = Name, ModelUsed = Model(cfg, null), FinishReason = FinishReasons.Stop, DurationMs = Elapsed(startedAt) };
            RecordSuccess(response.DurationMs);
            return response;
        }
        catch (LlmBackendException ex)
        {
            RecordFailure(ex.Error.Message);
            return new LlmResponse { Success = false, BackendUsed = Name, DurationMs = Elapsed(startedAt), ErrorCode = ex.Error.Kind.ToString(), ErrorMessage = ex.Error.Message, Error = ex.Error };
        }
    }

    /// <summary>
    /// Answers an HTTP request the plugin makes itself (QueryMT's <c>qmt_http_request</c>): refused with 403 unless its host
    /// is allowed; sent with this backend's client otherwise. Failures come back as statuses, as QueryMT's host does.
    /// </summary>
    public async Task<byte[]> SendAsync(ReadOnlyMemory<byte> envelope, CancellationToken cancellationToken)
    {
        PluginHttpRequest built;
        try
        {
            built = HttpWire.ParseRequest(envelope);
        }
        catch (FormatException ex)
        {
            return Encoding.UTF8.GetBytes(HttpWire.ResponseEnvelope(400, new Dictionary<string, string>(), Encoding.UTF8.GetBytes(ex.Message)));
        }

        if (!_plugin.AllowedHosts.Allows(built.Uri))
        {
            return Encoding.UTF8.GetBytes(HttpWire.ResponseEnvelope(403, new Dictionary<string, string>(), Encoding.UTF8.GetBytes($"Host '{built.Uri.Host}' not in allowlist")));
        }

        try
        {
            using var message = ToHttpRequest(built);
            using var response = await _httpClient.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var headers = response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
            return Encoding.UTF8.GetBytes(HttpWire.ResponseEnvelope((int)response.StatusCode, headers, body));
        }
        catch (HttpRequestException ex)
        {
            return Encoding.UTF8.GetBytes(HttpWire.ResponseEnvelope(500, new Dictionary<string, string>(), Encoding.UTF8.GetBytes(Reason(ex))));
        }
    }

    /// <summary>
    /// Opens a response the plugin reads as a stream (QueryMT's <c>qmt_http_stream_open</c>). A host outside the plugin's
    /// allowed hosts is refused with an exception (the plugin traps, as in QueryMT); error statuses come back as they are.
    /// </summary>
    public async Task<PluginHttpResponse> OpenStreamAsync(ReadOnlyMemory<byte> envelope, CancellationToken cancellationToken)
    {
        PluginHttpRequest built;
        try
        {
            built = HttpWire.ParseRequest(envelope);
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"Backend '{Name}': plugin '{_plugin.Name}' opened a stream with a request that cannot be sent: {ex.Message}");
        }

        if (!_plugin.AllowedHosts.Allows(built.Uri))
        {
            throw new InvalidOperationException($"Host '{built.Uri.Host}' not in allowlist");
        }

        var message = ToHttpRequest(built);
        HttpResponseMessage response;
        try
        {
            response = await _httpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            message.Dispose();
        }

        var headers = response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return new PluginHttpResponse((int)response.StatusCode, headers, body, new ResponseOwner(response));
    }

    protected override async Task<LlmResponse> ChatCoreAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        var cfg = ConfigurationFor(request);
        if (_plugin.InPlugin)
        {
            // The plugin sends its own request through the host (qmt_http_request) and answers whole.
            var answered = Read(await CallAsync(PluginExports.Chat, QueryMtRequests.Chat(cfg, request), null, cancellationToken).ConfigureAwait(false), QueryMtResults.Chat);
            answered.BackendUsed = Name;
            answered.ModelUsed = Model(cfg, request);
            return answered;
        }

        var built = await CallAsync(PluginExports.ChatRequest, QueryMtRequests.Chat(cfg, request), null, cancellationToken).ConfigureAwait(false);
        var (status, headers, body) = await SendBuiltAsync(built, cancellationToken, cfg).ConfigureAwait(false);
        var parsed = await CallAsync(PluginExports.ParseChatResponse, ResponseInput(cfg, status, headers, body), null, cancellationToken).ConfigureAwait(false);
        var response = Read(parsed, QueryMtResults.Chat);
        response.BackendUsed = Name;
        response.ModelUsed = Model(cfg, request);
        return response;
    }

    protected override void Authorize(HttpRequestMessage request)
    {
        // The plugin puts its own credentials on the requests it builds.
    }

    protected override LlmError ParseError(int status, string body, HttpResponseHeaders headers)
    {
        var error = base.ParseError(status, body, headers);
        try
        {
            // Most providers answer {"error":{"message","code"|"type"}}; prefer that message and code over the raw body.
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var detail) && detail.ValueKind == JsonValueKind.Object)
            {
                var message = QueryMtResults.String(detail, "message");
                var code = QueryMtResults.String(detail, "code") ?? QueryMtResults.String(detail, "type");
                return new LlmError
                {
                    Kind = Resilience.LlmErrorClassifier.FromStatus(status, code, message),
                    StatusCode = status,
                    RetryAfter = error.RetryAfter,
                    ProviderCode = code,
                    Message = $"Backend '{Name}' answered HTTP {status}: {message ?? body}",
                    BackendName = Name,
                };
            }
        }
        catch (JsonException)
        {
            // Not JSON: the generic reading stands.
        }

        return error;
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static List<byte[]> TakeLines(ArrayBufferWriter<byte> pending)
    {
        var lines = new List<byte[]>();
        var data = pending.WrittenSpan;
        var start = 0;
        int newline;
        while ((newline = data[start..].IndexOf((byte)'\n')) >= 0)
        {
            lines.Add(data.Slice(start, newline + 1).ToArray());
            start += newline + 1;
        }

        if (start > 0)
        {
            var rest = data[start..].ToArray();
            pending.Clear();
            pending.Write(rest);
        }

        return lines;
    }

    private async Task<EmbeddingResponse> EmbedCoreAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        if (!_plugin.CanEmbed)
        {
            throw Failure(LlmErrorKind.InvalidRequest, $"Backend '{Name}': plugin '{_plugin.Name}' does not export embed_request and parse_embed_response (or embed), so it cannot embed.");
        }

        var cfg = _plugin.Configuration.DeepClone().AsObject();
        if (request.Dimensions is { } dimensions)
        {
            if (!_plugin.Schema.Declares("dimensions"))
            {
                throw Failure(LlmErrorKind.InvalidRequest, $"Backend '{Name}': plugin '{_plugin.Name}' cannot choose the number of dimensions (its configuration has no 'dimensions' setting); leave Dimensions unset or use another backend.");
            }

            cfg["dimensions"] = dimensions;
        }

        var model = request.Model ?? _config.EmbeddingModelName;
        if (model is not null && _plugin.Schema.Declares("embedding_model"))
        {
            cfg["embedding_model"] = model;
        }
        else if (model is not null && _plugin.Schema.Declares("model"))
        {
            cfg["model"] = model;
        }

        var input = QueryMtRequests.WithConfig(cfg, writer =>
        {
            writer.WriteStartArray("inputs");
            request.Inputs.ForEach(writer.WriteStringValue);
            writer.WriteEndArray();
        });
        PluginCallResult parsed;
        if (_plugin.InPlugin)
        {
            parsed = await CallAsync(PluginExports.Embed, input, null, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var built = await CallAsync(PluginExports.EmbedRequest, input, null, cancellationToken).ConfigureAwait(false);
            var (status, headers, body) = await SendBuiltAsync(built, cancellationToken).ConfigureAwait(false);
            parsed = await CallAsync(PluginExports.ParseEmbedResponse, ResponseInput(cfg, status, headers, body), null, cancellationToken).ConfigureAwait(false);
        }

        var vectors = Read(parsed, QueryMtResults.Embeddings);
        if (vectors.Count != request.Inputs.Count)
        {
            throw InvalidResponse($"the plugin returned {vectors.Count} embeddings for {request.Inputs.Count} inputs");
        }

        return new EmbeddingResponse { Embeddings = vectors, ModelUsed = model ?? Model(cfg, null), BackendUsed = Name };
    }

    private async Task<(int Status, List<KeyValuePair<string, IEnumerable<string>>> Headers, byte[] Body)> SendBuiltAsync(PluginCallResult built, CancellationToken cancellationToken, JsonObject? chatConfiguration = null)
    {
        using var response = await SendAsync(ToHttpRequest(built.Output, chatConfiguration), cancellationToken).ConfigureAwait(false);
        byte[] body;
        try
        {
            if (response.Content.Headers.ContentLength is > MaxResponseBytes)
            {
                throw InvalidResponse($"the answer is {response.Content.Headers.ContentLength} bytes, more than the {MaxResponseBytes} a plugin is given");
            }

            body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw Failure(LlmErrorKind.Network, $"Backend '{Name}' lost the connection while reading the answer: {Reason(ex)}");
        }

        var headers = response.Headers.Concat(response.Content.Headers).ToList();
        return ((int)response.StatusCode, headers, body);
    }

    private HttpRequestMessage ToHttpRequest(ReadOnlyMemory<byte> envelope, JsonObject? chatConfiguration = null)
    {
        PluginHttpRequest built;
        try
        {
            built = HttpWire.ParseRequest(envelope);
        }
        catch (FormatException ex)
        {
            throw Failure(LlmErrorKind.Unknown, $"Backend '{Name}': plugin '{_plugin.Name}' built a request that cannot be sent: {ex.Message}.");
        }

        if (!_plugin.AllowedHosts.Allows(built.Uri))
        {
            throw Failure(LlmErrorKind.Unknown, $"Backend '{Name}': plugin '{_plugin.Name}' built a request to {built.Uri.Scheme}://{built.Uri.Authority}, which is not one of its allowed hosts ({_plugin.AllowedHosts}); it was not sent. If that host is intended, add it to the backend's AllowedHosts.");
        }

        var message = ToHttpRequest(built);
        if (chatConfiguration is not null)
        {
            message.Options.Set(ChatConfiguration, chatConfiguration);
        }

        return message;
    }

    /// <summary>
    /// A refused chat goes to the plugin's own error table (<c>classify_chat_error</c>) when it has one, as QueryMT's host
    /// does for every non-2xx chat response, streamed or not: its verdict decides the kind (rate limit, auth, …) and the
    /// retry-after. Anything else, or a table that fails, is read the generic way.
    /// </summary>
    protected override async ValueTask<LlmError> ClassifyFailureAsync(HttpRequestMessage request, HttpResponseMessage response, string body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        if (!_carrier.Exports.Contains(PluginExports.ClassifyChatError) || !request.Options.TryGetValue(ChatConfiguration, out var cfg))
        {
            return await base.ClassifyFailureAsync(request, response, body, cancellationToken).ConfigureAwait(false);
        }

        var input = ResponseInput(cfg, (int)response.StatusCode, response.Headers.Concat(response.Content.Headers), Encoding.UTF8.GetBytes(body));
        try
        {
            var verdict = await _carrier.CallAsync(PluginExports.ClassifyChatError, input, null, cancellationToken).ConfigureAwait(false);
            if (QueryMtErrors.FromPayload(verdict.Output.Span, Name, (int)response.StatusCode) is { } error)
            {
                return error;
            }
        }
        catch (PluginCallException ex)
        {
            if (ex.Failure == PluginFailure.PluginError)
            {
                return QueryMtErrors.From(ex, Name, PluginExports.ClassifyChatError);
            }
        }

        return await base.ClassifyFailureAsync(request, response, body, cancellationToken).ConfigureAwait(false);
    }

    private static HttpRequestMessage ToHttpRequest(PluginHttpRequest built)
    {
        var message = new HttpRequestMessage(new HttpMethod(built.Method.ToUpperInvariant()), built.Uri);
        if (built.Body.Length > 0 || built.Method is not ("GET" or "HEAD"))
        {
            message.Content = new ByteArrayContent(built.Body);
        }

        foreach (var (name, value) in built.Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content ??= new ByteArrayContent(Array.Empty<byte>());
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return message;
    }

    private static byte[] ResponseInput(JsonObject? cfg, int status, IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers, byte[] body)
    {
        var buffer = new ArrayBufferWriter<byte>(body.Length * 4 + 256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (cfg is not null)
            {
                HttpWire.WriteNode(writer, "cfg", cfg);
            }

            writer.WriteStartObject("resp");
            writer.WritePropertyName("resp");
            HttpWire.WriteResponse(writer, status, headers, body);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private JsonObject ConfigurationFor(ChatRequest request)
    {
        var cfg = _plugin.Configuration.DeepClone().AsObject();
        var schema = _plugin.Schema;
        bool Takes(string field) => schema.Declares(field);

        if (request.Model is { } model && Takes("model"))
        {
            cfg["model"] = model;
        }

        if ((request.MaxTokens ?? _config.MaxOutputTokens) is { } maxTokens && Takes("max_tokens"))
        {
            cfg["max_tokens"] = maxTokens;
        }

        if ((request.Temperature ?? _config.Temperature) is { } temperature && Takes("temperature"))
        {
            cfg["temperature"] = temperature;
        }

        var system = request.Messages.Where(m => string.Equals(m.Role, ChatRole.System, StringComparison.OrdinalIgnoreCase)).Select(m => m.GetText()).ToList();
        if (system.Count > 0)
        {
            if (!Takes("system"))
            {
                throw Failure(LlmErrorKind.InvalidRequest, $"Backend '{Name}': plugin '{_plugin.Name}' takes no system prompt (its configuration schema has no 'system' field), and the request has one; send it to another backend or drop the system message.");
            }

            cfg["system"] = new JsonArray(system.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());
        }

        return cfg;
    }

    private string? Model(JsonObject cfg, ChatRequest? request) =>
        cfg["model"] is JsonValue value && value.TryGetValue<string>(out var model) ? model : request?.Model ?? _config.ModelName;

    private async Task<PluginCallResult> CallAsync(string function, byte[] input, PluginInstance? instance, CancellationToken cancellationToken)
    {
        try
        {
            return await _carrier.CallAsync(function, input, instance, cancellationToken).ConfigureAwait(false);
        }
        catch (PluginCallException ex)
        {
            throw ToBackendException(ex, function);
        }
    }

    /// <summary>
    /// Runs calls one after another on one instance — in one round trip when the carrier batches (the sandbox), else one
    /// by one — and stops at the first that fails.
    /// </summary>
    private async Task<PluginBatchResult> CallEachAsync(IReadOnlyList<PluginCall> calls, PluginInstance? instance, CancellationToken cancellationToken)
    {
        if (_carrier is IBatchPluginCarrier batching && calls.Count > 1)
        {
            return await batching.CallEachAsync(calls, instance, cancellationToken).ConfigureAwait(false);
        }

        var outputs = new List<ReadOnlyMemory<byte>>(calls.Count);
        foreach (var call in calls)
        {
            try
            {
                var result = await _carrier.CallAsync(call.Function, call.Input, instance, cancellationToken).ConfigureAwait(false);
                outputs.Add(result.Output);
                instance ??= result.Instance;
            }
            catch (PluginCallException ex)
            {
                return new PluginBatchResult(outputs, instance, ex);
            }
        }

        return new PluginBatchResult(outputs, instance, null);
    }

    private LlmBackendException ToBackendException(PluginCallException exception, string function)
    {
        var error = QueryMtErrors.From(exception, Name, function);
        if (exception.Failure != PluginFailure.PluginError)
        {
            WasmLog.PluginCallFailed(_logger, Name, _carrier.Path, exception.Failure.ToString(), exception.Message);
        }

        return new LlmBackendException(error, Array.Empty<BackendAttempt>());
    }

    private T Read<T>(PluginCallResult result, Func<ReadOnlyMemory<byte>, T> read) => Read(result.Output, read);

    private T Read<T>(ReadOnlyMemory<byte> output, Func<ReadOnlyMemory<byte>, T> read)
    {
        try
        {
            return read(output);
        }
        catch (FormatException ex)
        {
            throw InvalidResponse($"plugin '{_plugin.Name}' returned something unreadable: {ex.Message}");
        }
    }

    private async Task CloseParserAsync(long parserId, PluginInstance? instance)
    {
        if (!_carrier.Exports.Contains(PluginExports.StreamParserClose))
        {
            return;
        }

        try
        {
            await _carrier.CallAsync(PluginExports.StreamParserClose, QueryMtRequests.Bare(JsonValue.Create(parserId)), instance, CancellationToken.None).ConfigureAwait(false);
        }
        catch (PluginCallException)
        {
            // The parser is gone with its instance, or was already removed by finish.
        }
    }

    /// <summary>Disposes a streamed response when the plugin closes its stream.</summary>
    private sealed class ResponseOwner(HttpResponseMessage response) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            response.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
