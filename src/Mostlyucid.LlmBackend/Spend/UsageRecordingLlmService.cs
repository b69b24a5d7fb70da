using Mostlyucid.LlmBackend.Configuration;
using System.Runtime.CompilerServices;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Pipeline;
using Mostlyucid.LlmBackend.Routing;

namespace Mostlyucid.LlmBackend.Spend;

/// <summary>
/// The ledger stage: every request that reaches routing — answered, failed or cancelled — becomes one
/// <see cref="UsageRecord"/> for the <see cref="UsageLedger"/>, with what it cost the answering backend plus what failed
/// attempts were billed, charged to the budgets of the backends, the caller and the route. A stream that ends without the
/// provider's usage (the caller hung up, or the provider reports none) is charged an estimate of the text it carried.
/// </summary>
internal sealed class UsageRecordingLlmService : DelegatingLlmService
{
    /// <summary>A thread's scratch list for a request's charges, copied out to an array of exactly their number.</summary>
    [ThreadStatic]
    private static List<KeyValuePair<SpendPeriod, decimal>>? t_charges;

    private readonly UsageLedger _ledger;
    private readonly BudgetBook _budgets;
    private readonly CostCalculator _costs;
    private readonly BackendRegistry _registry;
    private readonly TimeProvider _time;
    private readonly Func<string, LlmBackendConfig?> _configOf;

    public UsageRecordingLlmService(ILlmService inner, UsageLedger ledger, BudgetBook budgets, CostCalculator costs, BackendRegistry registry, TimeProvider time)
        : base(inner)
    {
        _ledger = ledger;
        _budgets = budgets;
        _costs = costs;
        _registry = registry;
        _time = time;
        _configOf = registry.FindConfig;
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

        var usage = new Usage("embedding", request.Model, started)
        {
            Attempts = response.Attempts,
            CacheHit = response.CacheHit,
        };
        Ended(ref usage, response.Success, response.Error?.Kind, response.BackendUsed, response.ModelUsed);
        if (response.Success && !response.CacheHit)
        {
            usage.Answered(response.PromptTokens, 0, 0, estimated: false);
        }

        Record(usage);
        return response;
    }

    public override IAsyncEnumerable<ChatStreamUpdate> StreamChatAsync(ChatRequest request, CancellationToken cancellationToken = default) =>
        RecordStreamAsync(request, Inner.StreamChatAsync(request, cancellationToken), cancellationToken);

    private static void Ended(ref Usage usage, bool success, LlmErrorKind? error, string? backend, string? model)
    {
        usage.Outcome = success ? UsageOutcome.Succeeded : UsageOutcome.Failed;
        usage.ErrorKind = error;
        usage.Backend = backend;
        usage.Model = model;
    }

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

        var usage = new Usage(operation, requestedModel, started) { Attempts = response.Attempts, CacheHit = response.CacheHit };
        Ended(ref usage, response.Success, response.Error?.Kind, response.BackendUsed, response.ModelUsed);
        if (response.Success && !response.CacheHit)
        {
            usage.Answered(response.PromptTokens, response.CachedPromptTokens, response.CompletionTokens, estimated: false);
        }

        Record(usage);
        return response;
    }

    private async IAsyncEnumerable<ChatStreamUpdate> RecordStreamAsync(ChatRequest request, IAsyncEnumerable<ChatStreamUpdate> updates, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var usage = new Usage("chat", request.Model, _time.GetTimestamp()) { Outcome = UsageOutcome.Cancelled };

        // The characters the backend now answering has sent, for an estimate when its usage never comes.
        var characters = 0;
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
                        break;
                    }
                }
                catch (LlmBackendException ex)
                {
                    // The engine has put what the broken attempts were billed on them.
                    usage.Outcome = UsageOutcome.Failed;
                    usage.ErrorKind = ex.Error.Kind;
                    usage.Attempts = ex.Attempts;
                    usage.Backend ??= ex.Error.BackendName;
                    characters = 0;
                    throw;
                }

                var update = enumerator.Current;
                usage.TimeToFirstToken ??= _time.GetElapsedTime(usage.Started);
                if (update.BackendUsed is { } backend && !string.Equals(backend, usage.Backend, StringComparison.Ordinal))
                {
                    usage.Backend = backend;
                    characters = 0;
                }

                usage.Model = update.ModelUsed ?? usage.Model;
                usage.Attempts = update.Attempts ?? usage.Attempts;
                if (update.CacheHit)
                {
                    // Replayed from the cache: nothing was billed, whatever usage the stored answer reports.
                    usage.CacheHit = true;
                    yield return update;
                    continue;
                }

                characters += update.ContentDelta?.Length ?? 0;
                if (update.Usage is { } reported)
                {
                    usage.Answered(reported.PromptTokens, reported.CachedPromptTokens, reported.CompletionTokens, estimated: false);
                }

                yield return update;
            }
        }
        finally
        {
            if (!usage.HasAnswer && characters > 0)
            {
                // Billed by the provider all the same: the prompt and what it sent.
                usage.Answered(TokenEstimate.Of(request), 0, TokenEstimate.Of(characters), estimated: true);
            }

            Record(usage);
        }
    }

    private void Record(in Usage usage)
    {
        var now = _time.GetUtcNow();

        var spend = t_charges ??= new List<KeyValuePair<SpendPeriod, decimal>>(4);
        spend.Clear();
        var prompt = usage.PromptTokens;
        var completion = usage.CompletionTokens;
        var estimated = usage.Estimated;
        decimal? cost = 0m;
        if (usage.HasAnswer)
        {
            cost = _registry.FindConfig(usage.Backend) is { } config
                ? _costs.Cost(config, usage.Model, usage.PromptTokens, usage.CachedPromptTokens, usage.CompletionTokens)
                : null;
            _budgets.Charge(spend, BudgetScopes.BackendPrefix, usage.Backend, cost, now);
        }
        else if (usage.CacheHit)
        {
            // Answered from the response cache: no backend was called, nothing was spent.
            cost = 0m;
        }
        else if (usage.Outcome == UsageOutcome.Succeeded)
        {
            // An answer with no usage at all: its cost is unknown, not nothing.
            cost = null;
        }

        // What failed attempts were billed for (a stream cut after output) counts too, against their own backends.
        foreach (var (attempt, backend, attemptCost) in _costs.BilledAttempts(usage.Attempts, _configOf))
        {
            estimated |= attempt.UsageEstimated;
            prompt += attempt.Usage!.PromptTokens;
            completion += attempt.Usage.CompletionTokens;
            cost = cost is null || attemptCost is null ? null : cost + attemptCost;
            _budgets.Charge(spend, BudgetScopes.BackendPrefix, backend, attemptCost, now);
        }

        var caller = LlmCallContext.Current;
        var route = RouteOf(usage.RequestedModel);
        _budgets.Charge(spend, BudgetScopes.CallerPrefix, caller?.CallerName, cost, now);
        _budgets.Charge(spend, BudgetScopes.RoutePrefix, route, cost, now);
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
                CacheHit = usage.CacheHit,
            },
            spend.Count == 0 ? Array.Empty<KeyValuePair<SpendPeriod, decimal>>() : spend.ToArray(),
            usage.Attempts);
    }

    private string? RouteOf(string? model)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            return null;
        }

        var routes = _registry.Settings.Routes;
        var wanted = model.AsSpan().Trim();
        for (var i = 0; i < routes.Count; i++)
        {
            if (routes[i].Name.AsSpan().Trim().Equals(wanted, StringComparison.OrdinalIgnoreCase))
            {
                return routes[i].Name;
            }
        }

        return null;
    }

    /// <summary>What is known about a request as it runs (a struct: it lives in the caller's frame or state machine, not on the heap).</summary>
    private struct Usage(string operation, string? requestedModel, long started)
    {
        public string Operation { get; } = operation;

        public string? RequestedModel { get; } = requestedModel;

        public long Started { get; } = started;

        public UsageOutcome Outcome { get; set; }

        public LlmErrorKind? ErrorKind { get; set; }

        public string? Backend { get; set; }

        public string? Model { get; set; }

        public IReadOnlyList<BackendAttempt> Attempts { get; set; } = Array.Empty<BackendAttempt>();

        /// <summary>Gets whether the answering backend's usage is known (reported, or estimated for a stream that carried text).</summary>
        public bool HasAnswer { get; private set; }

        public int PromptTokens { get; private set; }

        public int CachedPromptTokens { get; private set; }

        public int CompletionTokens { get; private set; }

        public bool Estimated { get; private set; }

        public TimeSpan? TimeToFirstToken { get; set; }

        /// <summary>Gets or sets whether the response cache answered (nothing billed).</summary>
        public bool CacheHit { get; set; }

        public void Answered(int prompt, int cached, int completion, bool estimated)
        {
            HasAnswer = true;
            PromptTokens = prompt;
            CachedPromptTokens = cached;
            CompletionTokens = completion;
            Estimated = estimated;
        }
    }
}
