using Mostlyucid.LlmBackend.Configuration;
using System.Runtime.CompilerServices;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Pipeline;
using Mostlyucid.LlmBackend.Routing;

namespace Mostlyucid.LlmBackend.Spend;

/// <summary>
/// The pricing stage: puts on every answer what the request cost (<see cref="LlmResponse.CostUsd"/>,
/// <see cref="EmbeddingResponse.CostUsd"/>, and on a stream the update that carries the usage) — the answering backend's
/// usage at its prices for the model that answered, plus what failed attempts were billed for (a stream cut after output).
/// A request that failed after billed attempts still carries their cost.
/// </summary>
internal sealed class CostingLlmService : DelegatingLlmService
{
    private readonly BackendRegistry _registry;
    private readonly CostCalculator _calculator;
    private readonly Func<string, LlmBackendConfig?> _configOf;

    public CostingLlmService(ILlmService inner, BackendRegistry registry, CostCalculator calculator)
        : base(inner)
    {
        _registry = registry;
        _calculator = calculator;
        _configOf = registry.FindConfig;
    }

    public override async Task<LlmResponse> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default) =>
        Priced(await Inner.CompleteAsync(request, cancellationToken).ConfigureAwait(false));

    public override async Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default) =>
        Priced(await Inner.ChatAsync(request, cancellationToken).ConfigureAwait(false));

    public override async Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default)
    {
        var response = await Inner.EmbedAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.Success && _registry.FindConfig(response.BackendUsed) is { } backend)
        {
            response.CostUsd = _calculator.Cost(backend, response.ModelUsed, response.PromptTokens, 0, 0);
        }

        return response;
    }

    public override IAsyncEnumerable<ChatStreamUpdate> StreamChatAsync(ChatRequest request, CancellationToken cancellationToken = default) =>
        PricedAsync(Inner.StreamChatAsync(request, cancellationToken), cancellationToken);

    private LlmResponse Priced(LlmResponse response)
    {
        decimal? answer = 0m;
        if (response.Success)
        {
            answer = _registry.FindConfig(response.BackendUsed) is { } backend
                ? _calculator.Cost(backend, response.ModelUsed, response.PromptTokens, response.CachedPromptTokens, response.CompletionTokens)
                : null;
        }
        else if (!response.Attempts.Any(a => a.Usage is not null))
        {
            // Nothing was billed: a failed request has no cost to report.
            return response;
        }

        response.CostUsd = PlusBilledAttempts(answer, response.Attempts);
        return response;
    }

    private async IAsyncEnumerable<ChatStreamUpdate> PricedAsync(IAsyncEnumerable<ChatStreamUpdate> updates, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? model = null;
        await foreach (var update in updates.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            model = update.ModelUsed ?? model;
            if (update.Usage is { } usage)
            {
                var answer = _registry.FindConfig(update.BackendUsed) is { } backend ? _calculator.Cost(backend, model, usage) : null;
                update.CostUsd = PlusBilledAttempts(answer, update.Attempts);
            }

            yield return update;
        }
    }

    /// <summary>Adds what failed attempts were billed for; an unknown price anywhere makes the total unknown.</summary>
    private decimal? PlusBilledAttempts(decimal? answer, IReadOnlyList<BackendAttempt>? attempts)
    {
        var total = answer;
        foreach (var (_, _, cost) in _calculator.BilledAttempts(attempts, _configOf))
        {
            total = total is null || cost is null ? null : total + cost;
        }

        return total;
    }
}
