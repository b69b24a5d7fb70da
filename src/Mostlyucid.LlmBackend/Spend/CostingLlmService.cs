using System.Runtime.CompilerServices;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Pipeline;
using Mostlyucid.LlmBackend.Routing;

namespace Mostlyucid.LlmBackend.Spend;

/// <summary>
/// The pricing stage: puts on every answer what it cost (<see cref="LlmResponse.CostUsd"/>,
/// <see cref="EmbeddingResponse.CostUsd"/>, and on a stream the update that carries the usage), from the backend that
/// answered and the model it answered with.
/// </summary>
internal sealed class CostingLlmService : DelegatingLlmService
{
    private readonly BackendRegistry _registry;
    private readonly CostCalculator _calculator;

    public CostingLlmService(ILlmService inner, BackendRegistry registry, CostCalculator calculator)
        : base(inner)
    {
        _registry = registry;
        _calculator = calculator;
    }

    public override async Task<LlmResponse> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default) =>
        Priced(await Inner.CompleteAsync(request, cancellationToken).ConfigureAwait(false));

    public override async Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default) =>
        Priced(await Inner.ChatAsync(request, cancellationToken).ConfigureAwait(false));

    public override async Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default)
    {
        var response = await Inner.EmbedAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.Success && Backend(response.BackendUsed) is { } backend)
        {
            response.CostUsd = _calculator.Cost(backend, response.ModelUsed, response.PromptTokens, 0, 0);
        }

        return response;
    }

    public override IAsyncEnumerable<ChatStreamUpdate> StreamChatAsync(ChatRequest request, CancellationToken cancellationToken = default) =>
        PricedAsync(Inner.StreamChatAsync(request, cancellationToken), cancellationToken);

    private LlmResponse Priced(LlmResponse response)
    {
        if (response.Success && Backend(response.BackendUsed) is { } backend)
        {
            response.CostUsd = _calculator.Cost(backend, response.ModelUsed, response.PromptTokens, response.CachedPromptTokens, response.CompletionTokens);
        }

        return response;
    }

    private async IAsyncEnumerable<ChatStreamUpdate> PricedAsync(IAsyncEnumerable<ChatStreamUpdate> updates, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? model = null;
        await foreach (var update in updates.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            model = update.ModelUsed ?? model;
            if (update.Usage is { } usage && Backend(update.BackendUsed) is { } backend)
            {
                update.CostUsd = _calculator.Cost(backend, model, usage);
            }

            yield return update;
        }
    }

    private LlmBackendConfig? Backend(string? name)
    {
        if (name is null)
        {
            return null;
        }

        var entries = _registry.Entries;
        for (var i = 0; i < entries.Count; i++)
        {
            if (string.Equals(entries[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return entries[i].Config;
            }
        }

        return null;
    }
}
