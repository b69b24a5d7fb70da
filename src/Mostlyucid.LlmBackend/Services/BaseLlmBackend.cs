using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Resilience;
using Mostlyucid.LlmBackend.Telemetry;

namespace Mostlyucid.LlmBackend.Services;

/// <summary>
/// The base class for backends, built-in and plugin alike: holds the configuration, logger and HTTP client, keeps the
/// backend's statistics (<see cref="RecordSuccess"/>, <see cref="RecordFailure"/>) and reports health from them.
/// </summary>
/// <remarks>
/// The constructor does not call <see cref="ConfigureHttpClient"/>: derived classes call it themselves (as the plugin
/// guide's sample does), so headers are added once.
/// </remarks>
public abstract class BaseLlmBackend : ILlmBackend, IStreamingLlmBackend
{
#pragma warning disable SA1401, CA1051, IDE1006 // The plugin guide's contract: derived classes use these fields by these names.
    /// <summary>This backend's configuration.</summary>
    protected readonly LlmBackendConfig _config;

    /// <summary>The backend's logger.</summary>
    protected readonly ILogger _logger;

    /// <summary>The HTTP client for the provider, from the host's <see cref="IHttpClientFactory"/>.</summary>
    protected readonly HttpClient _httpClient;
#pragma warning restore SA1401, CA1051, IDE1006

    private BackendMetrics _metrics;

    /// <summary>Initializes a new instance of the <see cref="BaseLlmBackend"/> class.</summary>
    /// <param name="config">This backend's configuration.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="httpClient">The HTTP client; a new one is created when <see langword="null"/>.</param>
    protected BaseLlmBackend(LlmBackendConfig config, ILogger logger, HttpClient httpClient)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        _logger = logger ?? NullLogger.Instance;
        _httpClient = httpClient ?? new HttpClient();
        _metrics = new BackendMetrics(TimeProvider.System, new MonitoringSettings());
    }

    /// <inheritdoc />
    public virtual string Name => _config.Name;

    /// <summary>Gets the statistics this backend records into; the router replaces them with its own shared instance.</summary>
    internal BackendMetrics Metrics
    {
        get => _metrics;
        set => _metrics = value;
    }

    /// <inheritdoc />
    /// <remarks>The default reports the health observed from requests; override it with a cheap provider call.</remarks>
    public virtual Task<bool> IsAvailableAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(_metrics.IsHealthy);

    /// <inheritdoc />
    /// <remarks>
    /// The default sends the prompt (and the system prompt, if any) to <see cref="ChatAsync"/>, with every generation
    /// option of the request.
    /// </remarks>
    public virtual Task<LlmResponse> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var chat = new ChatRequest
        {
            Temperature = request.Temperature,
            MaxTokens = request.MaxTokens,
            TopP = request.TopP,
            TopK = request.TopK,
            Stop = request.Stop,
            Seed = request.Seed,
            FrequencyPenalty = request.FrequencyPenalty,
            PresencePenalty = request.PresencePenalty,
            User = request.User,
            Model = request.Model,
            PreferredBackend = request.PreferredBackend,
            AdditionalProperties = request.AdditionalProperties,
            PassThrough = request.PassThrough,
        };
        if (!string.IsNullOrEmpty(request.SystemPrompt))
        {
            chat.Messages.Add(new ChatMessage { Role = ChatRole.System, Content = request.SystemPrompt });
        }

        chat.Messages.Add(new ChatMessage { Role = ChatRole.User, Content = request.Prompt });
        return ChatAsync(chat, cancellationToken);
    }

    /// <inheritdoc />
    public abstract Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default);

    /// <inheritdoc />
    /// <remarks>
    /// The default calls <see cref="ChatAsync"/> and yields the whole answer as one update (text, tool calls, reasoning,
    /// finish reason and usage), so backends that only implement chat still stream. A failure throws
    /// <see cref="LlmBackendException"/>. Override it to stream for real.
    /// </remarks>
    public virtual async IAsyncEnumerable<ChatStreamUpdate> StreamChatAsync(
        ChatRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await ChatAsync(request, cancellationToken).ConfigureAwait(false);
        if (response is null || !response.Success)
        {
            throw new LlmBackendException(
                response?.Error ?? new LlmError
                {
                    Kind = LlmErrorClassifier.FromErrorCode(response?.ErrorCode, response?.ErrorMessage).Kind,
                    Message = response?.ErrorMessage ?? $"Backend '{Name}' returned no response.",
                    BackendName = Name,
                },
                Array.Empty<BackendAttempt>());
        }

        yield return new ChatStreamUpdate
        {
            ContentDelta = response.Content,
            ReasoningDelta = response.Reasoning,
            ReasoningSignature = response.ReasoningSignature,
            ToolCalls = response.ToolCalls?.Select((call, index) => new ToolCallUpdate { Index = index, Id = call.Id, Name = call.Name, ArgumentsDelta = call.Arguments, Signature = call.Signature }).ToList(),
            FinishReason = response.FinishReason ?? FinishReasons.Stop,
            ModelUsed = response.ModelUsed,
            ResponseId = response.ResponseId,
            Usage = new LlmUsage
            {
                PromptTokens = response.PromptTokens,
                CompletionTokens = response.CompletionTokens,
                TotalTokens = response.TotalTokens,
                CachedPromptTokens = response.CachedPromptTokens,
                ReasoningTokens = response.ReasoningTokens,
            },
        };
    }

    /// <inheritdoc />
    public virtual Task<BackendHealth> GetHealthAsync() => Task.FromResult(_metrics.Snapshot(Name));

    /// <summary>
    /// Applies the configuration to <see cref="_httpClient"/>: the base address from <c>BaseUrl</c>, the timeout from
    /// <c>TimeoutSeconds</c>, and the configured extra <c>Headers</c>. Safe to call more than once.
    /// </summary>
    protected virtual void ConfigureHttpClient()
    {
        if (_httpClient.BaseAddress is null
            && !string.IsNullOrWhiteSpace(_config.BaseUrl)
            && Uri.TryCreate(_config.BaseUrl, UriKind.Absolute, out var baseAddress))
        {
            _httpClient.BaseAddress = baseAddress;
        }

        if (_config.TimeoutSeconds is > 0 and var seconds)
        {
            _httpClient.Timeout = TimeSpan.FromSeconds(seconds);
        }

        foreach (var header in _config.Headers)
        {
            if (!_httpClient.DefaultRequestHeaders.Contains(header.Key))
            {
                _httpClient.DefaultRequestHeaders.TryAddWithoutValidation(header.Key, header.Value);
            }
        }
    }

    /// <summary>
    /// Records a successful request in this backend's statistics. When the router is running the request it records the
    /// outcome itself and this call changes nothing, so every request is counted once.
    /// </summary>
    /// <param name="durationMs">How long the request took.</param>
    protected void RecordSuccess(long durationMs)
    {
        if (!RoutedAttempt.IsRecordedByRouter(_metrics))
        {
            _metrics.RecordSuccess(durationMs);
        }
    }

    /// <summary>
    /// Records a failed request in this backend's statistics (unless the router is running it; see <see cref="RecordSuccess"/>).
    /// </summary>
    /// <param name="error">What went wrong (must not contain secrets).</param>
    protected void RecordFailure(string error)
    {
        if (!RoutedAttempt.IsRecordedByRouter(_metrics))
        {
            _metrics.RecordFailure(error);
        }
    }

    /// <summary>Creates a failed response from this backend.</summary>
    /// <param name="code">
    /// An error code: an HTTP status name or number (for example <c>response.StatusCode.ToString()</c>) is classified
    /// into <see cref="LlmErrorKind"/>, as are <c>HttpError</c>, <c>Timeout</c> and <c>DeserializationError</c>.
    /// </param>
    /// <param name="message">What went wrong.</param>
    /// <returns>The response.</returns>
    protected LlmResponse CreateErrorResponse(string code, string message)
    {
        var (kind, status) = LlmErrorClassifier.FromErrorCode(code, message);
        return new LlmResponse
        {
            Success = false,
            BackendUsed = Name,
            ModelUsed = _config.ModelName,
            ErrorCode = code,
            ErrorMessage = message,
            Error = new LlmError { Kind = kind, Message = message, StatusCode = status, ProviderCode = code, BackendName = Name },
        };
    }
}
