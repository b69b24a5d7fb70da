using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Resilience;
using Llm = Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.AI.Backends;

/// <summary>
/// A backend (type <c>ChatClient</c>) served by an <see cref="IChatClient"/> from dependency injection, so it routes,
/// retries, fails over, is budgeted and measured like every other backend. Its failures are classified the library's way:
/// an HTTP status carried by the exception (<see cref="HttpRequestException.StatusCode"/>, or the <c>Status</c> of
/// System.ClientModel's <c>ClientResultException</c>) decides retry, failover or stop.
/// </summary>
internal class ChatClientBackend : ILlmBackend, IStreamingLlmBackend
{
    private readonly IChatClient _client;
    private readonly LlmBackendConfig _config;

    public ChatClientBackend(LlmBackendConfig config, IChatClient client)
    {
        _config = config;
        _client = client;
    }

    public string Name => _config.Name;

    /// <summary>Gets whether a stream's end counts as its finish even without a finish reason (<c>ProviderOptions:EndOfStreamIsFinish</c>).</summary>
    private bool EndOfStreamIsFinish =>
        _config.ProviderOptions.TryGetValue("EndOfStreamIsFinish", out var value) && bool.TryParse(value, out var yes) && yes;

    public Task<bool> IsAvailableAsync(CancellationToken cancellationToken = default) => Task.FromResult(true);

    public Task<Llm.LlmResponse> CompleteAsync(Llm.LlmRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var chat = new Llm.ChatRequest
        {
            Model = request.Model, Temperature = request.Temperature, MaxTokens = request.MaxTokens, TopP = request.TopP, TopK = request.TopK,
            Stop = request.Stop, Seed = request.Seed, FrequencyPenalty = request.FrequencyPenalty, PresencePenalty = request.PresencePenalty,
        };
        if (!string.IsNullOrEmpty(request.SystemPrompt))
        {
            chat.Messages.Add(new Llm.ChatMessage { Role = Llm.ChatRole.System, Content = request.SystemPrompt });
        }

        chat.Messages.Add(new Llm.ChatMessage { Role = Llm.ChatRole.User, Content = request.Prompt });
        return ChatAsync(chat, cancellationToken);
    }

    public async Task<Llm.LlmResponse> ChatAsync(Llm.ChatRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (messages, options) = ChatClientConversions.ToMeai(request, _config.ModelName);
        ChatResponse response;
        try
        {
            response = await _client.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw Failure(ex);
        }

        var answer = ChatClientConversions.FromMeai(response, options.ModelId);
        answer.BackendUsed = Name;
        return answer;
    }

    public async IAsyncEnumerable<Llm.ChatStreamUpdate> StreamChatAsync(Llm.ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (messages, options) = ChatClientConversions.ToMeai(request, _config.ModelName);
        var updates = _client.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        var callIndex = 0;
        string? finish = null;
        try
        {
            while (true)
            {
                ChatResponseUpdate update;
                try
                {
                    if (!await updates.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    update = updates.Current;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    throw Failure(ex);
                }

                var converted = ChatClientConversions.FromMeai(update, ref callIndex);
                converted.ModelUsed ??= options.ModelId;
                finish = converted.FinishReason ?? finish;
                yield return converted;
            }
        }
        finally
        {
            await updates.DisposeAsync().ConfigureAwait(false);
        }

        if (finish is null)
        {
            // MEAI's provider clients say how an answer finished; a stream that just stops may have been cut (a dropped
            // connection can end an SDK's enumeration quietly), so it is a break to continue elsewhere — unless this
            // backend's client is known never to send one (ProviderOptions:EndOfStreamIsFinish = true).
            if (!EndOfStreamIsFinish)
            {
                throw new Llm.LlmBackendException(
                    new Llm.LlmError
                    {
                        Kind = Llm.LlmErrorKind.Network,
                        Message = $"Backend '{Name}' (an IChatClient) ended its stream without a finish reason: the answer may be incomplete. If this client never sends one, set ProviderOptions:EndOfStreamIsFinish to true.",
                        BackendName = Name,
                    },
                    Array.Empty<Llm.BackendAttempt>());
            }

            yield return new Llm.ChatStreamUpdate { FinishReason = callIndex > 0 ? Llm.FinishReasons.ToolCalls : Llm.FinishReasons.Stop, ModelUsed = options.ModelId };
        }
    }

    public Task<Llm.BackendHealth> GetHealthAsync() => Task.FromResult(new Llm.BackendHealth { BackendName = Name });

    /// <summary>The exception a failure of the wrapped client becomes, classified by the HTTP status it carries if any.</summary>
    protected Llm.LlmBackendException Failure(Exception exception)
    {
        if (exception is Llm.LlmBackendException typed)
        {
            return typed;
        }

        var status = exception is HttpRequestException { StatusCode: { } code } ? (int)code : exception.GetType().GetProperty("Status")?.GetValue(exception) as int?;
        var error = status is { } value and >= 400
            ? new Llm.LlmError
            {
                Kind = LlmErrorClassifier.FromStatus(value, null, exception.Message),
                StatusCode = value,
                Message = $"Backend '{Name}' (an IChatClient) answered HTTP {value}: {exception.Message}",
                BackendName = Name,
            }
            : BackendExceptionErrors.From(Name, exception) is { Kind: not Llm.LlmErrorKind.Internal } known
                ? known
                : new Llm.LlmError { Kind = Llm.LlmErrorKind.Unknown, Message = $"Backend '{Name}' (an IChatClient) failed: {exception.Message}", BackendName = Name };
        return new Llm.LlmBackendException(error, Array.Empty<Llm.BackendAttempt>());
    }
}

/// <summary>A <c>ChatClient</c> backend that also embeds, with the <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> registered under the same key.</summary>
internal sealed class ChatClientEmbeddingBackend : ChatClientBackend, IEmbeddingLlmBackend
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _generator;
    private readonly LlmBackendConfig _config;

    public ChatClientEmbeddingBackend(LlmBackendConfig config, IChatClient client, IEmbeddingGenerator<string, Embedding<float>> generator)
        : base(config, client)
    {
        _config = config;
        _generator = generator;
    }

    public async Task<Llm.EmbeddingResponse> EmbedAsync(Llm.EmbeddingRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = new EmbeddingGenerationOptions { ModelId = request.Model ?? _config.EmbeddingModelName, Dimensions = request.Dimensions };
        GeneratedEmbeddings<Embedding<float>> generated;
        try
        {
            generated = await _generator.GenerateAsync(request.Inputs, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw Failure(ex);
        }

        return new Llm.EmbeddingResponse
        {
            Success = true,
            Embeddings = generated.Select(e => e.Vector.ToArray()).ToList(),
            ModelUsed = generated.FirstOrDefault()?.ModelId ?? options.ModelId,
            BackendUsed = Name,
            PromptTokens = (int)(generated.Usage?.InputTokenCount ?? 0),
            TotalTokens = (int)(generated.Usage?.TotalTokenCount ?? generated.Usage?.InputTokenCount ?? 0),
        };
    }
}
