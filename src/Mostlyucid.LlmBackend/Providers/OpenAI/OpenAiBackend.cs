using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Resilience;
using Mostlyucid.LlmBackend.Services;

namespace Mostlyucid.LlmBackend.Providers.OpenAI;

/// <summary>
/// OpenAI's chat completions API and every server that speaks it. The base URL may include the API's version path
/// (<c>https://api.openai.com/v1</c>, <c>https://openrouter.ai/api/v1</c>); a bare host gets <c>/v1</c>.
/// </summary>
internal sealed class OpenAiBackend : BaseLlmBackend
{
    private const int MaxErrorBodyBytes = 64 * 1024;
    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json") { CharSet = "utf-8" };

    private readonly TimeProvider _time;
    private readonly Uri _chatCompletionsUri;
    private readonly Uri _modelsUri;

    public OpenAiBackend(LlmBackendConfig config, ILogger logger, HttpClient httpClient, TimeProvider time, string? defaultBaseUrl)
        : base(config, logger, httpClient)
    {
        _time = time;
        var apiRoot = ApiRoot(config.BaseUrl ?? defaultBaseUrl
            ?? throw new ArgumentException($"Backend '{config.Name}' needs a BaseUrl.", nameof(config)));
        _chatCompletionsUri = new Uri(apiRoot, "chat/completions");
        _modelsUri = new Uri(apiRoot, "models");
        ConfigureHttpClient();
    }

    public override async Task<bool> IsAvailableAsync(CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _modelsUri);
        Authorize(request);
        try
        {
            using var response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public override async Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = _time.GetTimestamp();
        var model = request.Model ?? _config.ModelName;
        if (string.IsNullOrWhiteSpace(model))
        {
            return Fail(started, new LlmError
            {
                Kind = LlmErrorKind.InvalidRequest,
                Message = $"Backend '{Name}' has no ModelName and the request names no model: set ModelName on the backend or Model on the request.",
                BackendName = Name,
            });
        }

        var body = new OpenAiChatRequest
        {
            Model = model,
            Messages = request.Messages.Select(m => new OpenAiMessage { Role = m.Role.ToLowerInvariant(), Content = m.Content }).ToArray(),
            Temperature = request.Temperature ?? _config.Temperature,
            MaxTokens = request.MaxTokens ?? _config.MaxOutputTokens,
        };

        using var message = new HttpRequestMessage(HttpMethod.Post, _chatCompletionsUri)
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, OpenAiJsonContext.Default.OpenAiChatRequest))
            {
                Headers = { ContentType = JsonMediaType },
            },
        };
        Authorize(message);

        HttpResponseMessage response;
        try
        {
            response = await _httpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            return Fail(started, new LlmError
            {
                Kind = LlmErrorClassifier.FromException(ex),
                Message = $"Backend '{Name}' could not reach {_chatCompletionsUri.GetLeftPart(UriPartial.Authority)}: {ex.Message}",
                BackendName = Name,
            });
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                return Fail(started, await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false));
            }

            OpenAiChatResponse? parsed;
            try
            {
                var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    parsed = await JsonSerializer.DeserializeAsync(stream, OpenAiJsonContext.Default.OpenAiChatResponse, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (JsonException ex)
            {
                return Fail(started, InvalidResponse($"the body is not valid chat completion JSON ({ex.Message})"));
            }
            catch (HttpRequestException ex)
            {
                return Fail(started, new LlmError { Kind = LlmErrorKind.Network, Message = $"Backend '{Name}' lost the connection while reading the answer: {ex.Message}", BackendName = Name });
            }

            var choice = parsed?.Choices is { Count: > 0 } choices ? choices[0] : null;
            if (choice?.Message is null)
            {
                return Fail(started, InvalidResponse("the response has no choices[0].message"));
            }

            var elapsed = (long)_time.GetElapsedTime(started).TotalMilliseconds;
            RecordSuccess(elapsed);
            var usage = parsed!.Usage;
            return new LlmResponse
            {
                Success = true,
                Content = choice.Message.Content ?? choice.Message.Refusal ?? string.Empty,
                BackendUsed = Name,
                ModelUsed = parsed.Model ?? model,
                DurationMs = elapsed,
                FinishReason = choice.FinishReason,
                PromptTokens = usage?.PromptTokens ?? 0,
                CompletionTokens = usage?.CompletionTokens ?? 0,
                TotalTokens = usage is null ? 0 : usage.TotalTokens > 0 ? usage.TotalTokens : usage.PromptTokens + usage.CompletionTokens,
            };
        }
    }

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

    private void Authorize(HttpRequestMessage request)
    {
        if (!string.IsNullOrEmpty(_config.ApiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _config.ApiKey);
        }
    }

    private async Task<LlmError> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        string text;
        try
        {
            text = await ReadBoundedAsync(response.Content, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            text = string.Empty;
        }

        string? providerMessage = null;
        string? providerCode = null;
        try
        {
            var envelope = text.Length > 0 ? JsonSerializer.Deserialize(text, OpenAiJsonContext.Default.OpenAiErrorEnvelope) : null;
            providerMessage = envelope?.Error?.Message;
            providerCode = envelope?.Error?.CodeText ?? envelope?.Error?.Type;
        }
        catch (JsonException)
        {
            // Not the OpenAI error shape (a proxy's HTML page, plain text): report the raw text below.
        }

        var detail = providerMessage ?? (text.Length > 0 ? text : response.ReasonPhrase ?? "no details");
        return new LlmError
        {
            Kind = LlmErrorClassifier.FromStatus(status, providerCode, providerMessage ?? text),
            StatusCode = status,
            ProviderCode = providerCode,
            RetryAfter = RetryAfterParser.Parse(response.Headers, _time.GetUtcNow()),
            Message = $"Backend '{Name}' answered HTTP {status}: {detail}",
            BackendName = Name,
        };
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

            var text = System.Text.Encoding.UTF8.GetString(buffer, 0, total);
            return total == buffer.Length ? text + $"… (error body longer than {MaxErrorBodyBytes} bytes; rest not read)" : text;
        }
    }

    private LlmError InvalidResponse(string what) => new()
    {
        Kind = LlmErrorKind.InvalidResponse,
        Message = $"Backend '{Name}' returned an answer that cannot be used: {what}.",
        BackendName = Name,
    };

    private LlmResponse Fail(long started, LlmError error)
    {
        RecordFailure(error.Message);
        return new LlmResponse
        {
            Success = false,
            BackendUsed = Name,
            ModelUsed = _config.ModelName,
            DurationMs = (long)_time.GetElapsedTime(started).TotalMilliseconds,
            ErrorCode = error.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? error.Kind.ToString(),
            ErrorMessage = error.Message,
            Error = error,
        };
    }
}
