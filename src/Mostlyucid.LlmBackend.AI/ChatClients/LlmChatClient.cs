using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using Mostlyucid.LlmBackend.Interfaces;
using Llm = Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.AI.ChatClients;

/// <summary>
/// <see cref="ILlmService"/> as an <see cref="IChatClient"/>: every request goes through the library's routing,
/// retries, failover, hedging and mid-stream continuation, so Microsoft.Extensions.AI middleware (function invocation,
/// OpenTelemetry, caching, logging) on top of it gets all of that. Failures are thrown as
/// <see cref="Llm.LlmBackendException"/>, with the error and every attempt.
/// </summary>
public sealed class LlmChatClient : IChatClient
{
    private readonly ILlmService _service;
    private readonly string? _model;
    private readonly ChatClientMetadata _metadata;

    /// <summary>Creates the client.</summary>
    /// <param name="service">The library's service.</param>
    /// <param name="model">The route, backend or model asked for when <see cref="ChatOptions.ModelId"/> is not set; <see langword="null"/> for the default routing.</param>
    public LlmChatClient(ILlmService service, string? model = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        _service = service;
        _model = model;
        _metadata = new ChatClientMetadata("mostlylucid.llmbackend", defaultModelId: model);
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = MeaiRequests.ToChatRequest(messages, options, _model);
        var response = await _service.ChatAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.Success)
        {
            throw new Llm.LlmBackendException(
                response.Error ?? new Llm.LlmError { Kind = Llm.LlmErrorKind.Unknown, Message = response.ErrorMessage ?? "The request failed.", BackendName = response.BackendUsed },
                response.Attempts);
        }

        return MeaiResponses.ToChatResponse(response);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = MeaiRequests.ToChatRequest(messages, options, _model);
        var calls = new SortedDictionary<int, (string? Id, string? Name, StringBuilder Arguments, string? Signature)>();
        var createdAt = DateTimeOffset.UtcNow;

        // One id for the whole stream: an answer continued on another backend is still one message to the caller.
        string? responseId = null;
        await foreach (var update in _service.StreamChatAsync(request, cancellationToken).ConfigureAwait(false))
        {
            foreach (var call in update.ToolCalls ?? (IEnumerable<Llm.ToolCallUpdate>)Array.Empty<Llm.ToolCallUpdate>())
            {
                var (id, name, arguments, signature) = calls.TryGetValue(call.Index, out var known) ? known : (null, null, new StringBuilder(), null);
                calls[call.Index] = (id ?? call.Id, name ?? call.Name, arguments.Append(call.ArgumentsDelta), signature ?? call.Signature);
            }

            var contents = new List<AIContent>();
            if (!string.IsNullOrEmpty(update.ReasoningDelta) || update.ReasoningSignature is not null)
            {
                contents.Add(new TextReasoningContent(update.ReasoningDelta ?? string.Empty) { ProtectedData = update.ReasoningSignature });
            }

            if (!string.IsNullOrEmpty(update.ContentDelta))
            {
                contents.Add(new TextContent(update.ContentDelta));
            }

            if (update.FinishReason is not null)
            {
                // Function calls are given whole, as MEAI's own clients give them: once the answer says how it finished.
                AddCalls(contents, calls);
            }

            if (update.Usage is { } usage)
            {
                contents.Add(new UsageContent(MeaiResponses.Usage(usage)));
            }

            responseId ??= update.ResponseId;
            yield return new ChatResponseUpdate(ChatRole.Assistant, contents)
            {
                ResponseId = responseId,
                MessageId = responseId,
                ModelId = update.ModelUsed,
                FinishReason = MeaiResponses.FinishReason(update.FinishReason),
                CreatedAt = createdAt,
                RawRepresentation = update,
                AdditionalProperties = MeaiResponses.Answered(update.BackendUsed, update.Attempt, update.CostUsd),
            };
        }

        if (calls.Count > 0)
        {
            // The stream ended without a finish reason after announcing calls: give them anyway, nothing is dropped.
            var contents = new List<AIContent>();
            AddCalls(contents, calls);
            yield return new ChatResponseUpdate(ChatRole.Assistant, contents) { ResponseId = responseId, MessageId = responseId, FinishReason = ChatFinishReason.ToolCalls, CreatedAt = createdAt };
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return _metadata;
        }

        if (serviceType.IsInstanceOfType(_service))
        {
            return _service;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The service belongs to the host that made it.
    }

    private static void AddCalls(List<AIContent> contents, SortedDictionary<int, (string? Id, string? Name, StringBuilder Arguments, string? Signature)> calls)
    {
        foreach (var (index, (id, name, arguments, signature)) in calls)
        {
            contents.Add(MeaiResponses.Call(id ?? $"call_{index}", name ?? string.Empty, arguments.ToString(), signature));
        }

        calls.Clear();
    }
}
