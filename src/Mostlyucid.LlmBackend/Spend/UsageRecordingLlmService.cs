using System.Runtime.CompilerServices;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Pipeline;
using Mostlyucid.LlmBackend.Routing;

namespace Mostlyucid.LlmBackend.Spend;

/// <summary>
/// The ledger stage: every request that reaches routing — answered, failed or cancelled — becomes one
/// <see cref="UsageRecord"/> for the <see cref="UsageLedger"/>, with what it cost the answering backend plus what failed
/// attempts were billed, charged to the budgets of the backends, the caller and the route.
/// </summary>
internal sealed class UsageRecordingLlmService : DelegatingLlmService
{
    private readonly UsageLedger _ledger;
    private readonly BudgetBook _budgets;
    private readonly CostCalculator _costs;
    private readonly BackendRegistry _registry;
    private readonly TimeProvider _time;

    public UsageRecordingLlmService(ILlmService inner, UsageLedger ledger, BudgetBook budgets, CostCalculator costs, BackendRegistry registry, TimeProvider time)
        : base(inner)
    {
        _ledger = ledger;
        _budgets = budgets;
        _costs = costs;
        _registry = registry;
        _time = time;
    }

    public override Task<LlmResponse> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default) =>
        RecordAsync("completion", request.Model, Inner.CompleteAsync(request, cancellationToken));

    public override Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default) =>
        RecordAsync("chat", request.Model, Inner.ChatAsync(request, cancellationToken));

    public override async Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default)
    {
        var started = _time.GetTimestamp();
        EmbeddingResponse response;
        try
        {
            response = await Inner.EmbedAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Record(new Usage("embedding", request.Model, started) { Outcome = UsageOutcome.Cancelled });
            throw;
        }

        Record(new Usage("embedding", request.Model, started)
        {
            Outcome = response.Success ? UsageOutcome.Succeeded : UsageOutcome.Failed,
            ErrorKind = response.Error?.Kind,
            Backend = response.BackendUsed,
            Model = response.ModelUsed,
            Attempts = response.Attempts,
            PromptTokens = response.Success ? response.PromptTokens : 0,
            CostUsd = response.CostUsd,
            Priced = !response.Success || response.CostUsd is not null,
        });
        return response;
    }

    public override IAsyncEnumerable<ChatStreamUpdate> StreamChatAsync(ChatRequest request, CancellationToken cancellationToken = default) =>
        RecordStreamAsync(request.Model, Inner.StreamChatAsync(request, cancellationToken), cancellationToken);

    private async Task<LlmResponse> RecordAsync(string operation, string? requestedModel, Task<LlmResponse> call)
    {
        var started = _time.GetTimestamp();
        LlmResponse response;
        try
        {
            response = await call.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Record(new Usage(operation, requestedModel, started) { Outcome = UsageOutcome.Cancelled });
            throw;
        }

        Record(new Usage(operation, requestedModel, started)
        {
            Outcome = response.Success ? UsageOutcome.Succeeded : UsageOutcome.Failed,
            ErrorKind = response.Error?.Kind,
            Backend = response.BackendUsed,
            Model = response.ModelUsed,
            Attempts = response.Attempts,
            PromptTokens = response.Success ? response.PromptTokens : 0,
            CachedPromptTokens = response.Success ? response.CachedPromptTokens : 0,
            CompletionTokens = response.Success ? response.CompletionTokens : 0,
            CostUsd = response.CostUsd,
            Priced = !response.Success || response.CostUsd is not null,
        });
        return response;
    }

    private async IAsyncEnumerable<ChatStreamUpdate> RecordStreamAsync(string? requestedModel, IAsyncEnumerable<ChatStreamUpdate> updates, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var usage = new Usage("chat", requestedModel, _time.GetTimestamp()) { Outcome = UsageOutcome.Cancelled, Priced = true };
        var sawUsage = false;
        try
        {
            await using var enumerator = updates.GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        usage.Outcome = UsageOutcome.Succeeded;

                        // A stream whose provider reported no usage has an unknown cost, not a free one.
                        usage.Priced &= sawUsage;
                        break;
                    }
                }
                catch (LlmBackendException ex)
                {
                    usage.Outcome = UsageOutcome.Failed;
                    usage.ErrorKind = ex.Error.Kind;
                    usage.Attempts = ex.Attempts;
                    usage.Backend ??= ex.Error.BackendName;
                    throw;
                }

                var update = enumerator.Current;
                usage.TimeToFirstToken ??= _time.GetElapsedTime(usage.Started);
                usage.Backend = update.BackendUsed ?? usage.Backend;
                usage.Model = update.ModelUsed ?? usage.Model;
                usage.Attempts = update.Attempts ?? usage.Attempts;
                if (update.Usage is { } reported)
                {
                    sawUsage = true;
                    usage.PromptTokens = reported.PromptTokens;
                    usage.CachedPromptTokens = reported.CachedPromptTokens;
                    usage.CompletionTokens = reported.CompletionTokens;
                    usage.CostUsd = update.CostUsd;
                    usage.Priced = update.CostUsd is not null;
                }

                yield return update;
            }
        }
        finally
        {
            Record(usage);
        }
    }

    private void Record(Usage usage)
    {
        var now = _time.GetUtcNow();
        var spend = new Dictionary<SpendPeriod, decimal>();
        var cost = usage.Priced ? usage.CostUsd ?? 0m : (decimal?)null;
        var prompt = usage.PromptTokens;
        var completion = usage.CompletionTokens;
        var estimated = false;
        if (usage.Backend is { } backend)
        {
            _budgets.Charge(spend, BudgetScopes.Backend(backend), usage.CostUsd, now);
        }

        // What failed attempts were billed for (a stream cut after output) counts too, against their own backends.
        foreach (var attempt in usage.Attempts)
        {
            if (attempt.Usage is not { } billed || Config(attempt.BackendName) is not { } config)
            {
                continue;
            }

            estimated |= attempt.UsageEstimated;
            prompt += billed.PromptTokens;
            completion += billed.CompletionTokens;
            var attemptCost = _costs.Cost(config, attempt.Model, billed);
            cost = cost is null || attemptCost is null ? null : cost + attemptCost;
            _budgets.Charge(spend, BudgetScopes.Backend(attempt.BackendName), attemptCost, now);
        }

        var caller = LlmCallContext.Current;
        var route = RouteOf(usage.RequestedModel);
        var total = cost ?? usage.CostUsd;
        _budgets.Charge(spend, caller?.CallerName is { } name ? BudgetScopes.Caller(name) : null, total, now);
        _budgets.Charge(spend, route is null ? null : BudgetScopes.Route(route), total, now);
        _ledger.Record(
            new UsageRecord
            {
                Timestamp = now,
                RequestId = caller?.RequestId,
                CallerName = caller?.CallerName,
                Operation = usage.Operation,
                RequestedModel = usage.RequestedModel,
                Route = route,
                Backend = usage.Backend,
                Model = usage.Model,
                Attempts = usage.Attempts.Count,
                PromptTokens = prompt,
                CachedPromptTokens = usage.CachedPromptTokens,
                CompletionTokens = completion,
                CostUsd = cost,
                TokensEstimated = estimated,
                DurationMs = (long)_time.GetElapsedTime(usage.Started).TotalMilliseconds,
                TimeToFirstTokenMs = usage.TimeToFirstToken is { } first ? (long)first.TotalMilliseconds : null,
                Outcome = usage.Outcome,
                ErrorKind = usage.ErrorKind,
            },
            spend);
    }

    private string? RouteOf(string? model)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            return null;
        }

        foreach (var route in _registry.Settings.Routes)
        {
            if (string.Equals(route.Name.Trim(), model.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return route.Name;
            }
        }

        return null;
    }

    private LlmBackendConfig? Config(string name)
    {
        foreach (var entry in _registry.Entries)
        {
            if (string.Equals(entry.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return entry.Config;
            }
        }

        return null;
    }

    /// <summary>What is known about a request as it runs.</summary>
    private sealed class Usage(string operation, string? requestedModel, long started)
    {
        public string Operation { get; } = operation;

        public string? RequestedModel { get; } = requestedModel;

        public long Started { get; } = started;

        public UsageOutcome Outcome { get; set; }

        public LlmErrorKind? ErrorKind { get; set; }

        public string? Backend { get; set; }

        public string? Model { get; set; }

        public IReadOnlyList<BackendAttempt> Attempts { get; set; } = Array.Empty<BackendAttempt>();

        public int PromptTokens { get; set; }

        public int CachedPromptTokens { get; set; }

        public int CompletionTokens { get; set; }

        public decimal? CostUsd { get; set; }

        public bool Priced { get; set; }

        public TimeSpan? TimeToFirstToken { get; set; }
    }
}
