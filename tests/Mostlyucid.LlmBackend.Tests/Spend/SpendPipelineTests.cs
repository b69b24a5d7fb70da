using Microsoft.Extensions.DependencyInjection;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Spend;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Spend;

/// <summary>
/// The spend stages end to end through <see cref="ILlmService"/>: every answer priced, every request in the ledger,
/// and backend, caller and route budgets that stop spending at their limit and start again on their period.
/// </summary>
public sealed class SpendPipelineTests
{
    private static readonly DateTimeOffset Saturday = new(2026, 12, 5, 15, 0, 0, TimeSpan.Zero);

    private static ChatRequest Ask(string? model = null) => new() { Model = model, Messages = { new ChatMessage { Content = "hello" } } };

    /// <summary>A test backend priced at $1 per million prompt tokens and $2 per million completion tokens.</summary>
    private static LlmBackendConfig Priced(string name, int priority, decimal? maxSpend = null, SpendResetPeriod period = SpendResetPeriod.Monthly) => new()
    {
        Name = name,
        Type = TestPlugin.BackendType,
        Priority = priority,
        CostPerMillionInputTokens = 1m,
        CostPerMillionOutputTokens = 2m,
        CostPerMillionCachedInputTokens = 0.25m,
        MaxSpendUsd = maxSpend,
        SpendResetPeriod = period,
    };

    /// <summary>Makes a backend answer with 400 000 prompt tokens (100 000 of them cached) and 300 000 completion tokens: $0.925.</summary>
    private static void CostsAbout93Cents(TestChatBackend backend) =>
        backend.Handler = (_, _) => Task.FromResult(new LlmResponse
        {
            Success = true,
            Content = backend.Name + " answered",
            ModelUsed = backend.Name + "-model",
            FinishReason = "stop",
            PromptTokens = 400_000,
            CachedPromptTokens = 100_000,
            CompletionTokens = 300_000,
            TotalTokens = 700_000,
        });

    private static LlmTestHost Host(Action<LlmSettings> configure, FakeTimeProvider? time = null)
    {
        var host = LlmTestHost.Create(configure, time);
        host.Llm.GetBackends();
        foreach (var backend in host.Plugin.Backends.Values)
        {
            CostsAbout93Cents(backend);
        }

        return host;
    }

    [Fact]
    public async Task Answer_CarriesItsCost_WithCachedTokensAtTheirPrice_AndLandsInTheLedger()
    {
        using var host = Host(s => s.Backends.Add(Priced("primary", 1)));

        var response = await host.Llm.ChatAsync(Ask());

        // 300 000 uncached prompt tokens at $1/M + 100 000 cached at $0.25/M + 300 000 completion at $2/M.
        Assert.Equal(0.3m + 0.025m + 0.6m, response.CostUsd);
        var ledger = host.Services.GetRequiredService<IUsageLedger>();
        var byBackend = await ledger.QueryAsync(new UsageQuery { GroupBy = UsageGrouping.Backend });
        var total = Assert.Single(byBackend);
        Assert.Equal("primary", total.Key);
        Assert.Equal(1, total.Requests);
        Assert.Equal(0.925m, total.CostUsd);
        Assert.Equal(400_000, total.PromptTokens);
        Assert.Equal(300_000, total.CompletionTokens);
    }

    [Fact]
    public async Task LedgerRecord_SaysWhoAskedWhatAnsweredAndHowItWent()
    {
        using var host = Host(s => s.Backends.Add(Priced("primary", 1)));
        var ledger = host.Services.GetRequiredService<UsageLedger>();
        var records = new List<UsageRecord>();
        ledger.Recorded += records.Add;

        using (LlmCallContext.Begin(new LlmCallContext { CallerName = "alice", RequestId = "req-1" }))
        {
            await host.Llm.ChatAsync(Ask());
        }

        var record = Assert.Single(records);
        Assert.Equal("alice", record.CallerName);
        Assert.Equal("req-1", record.RequestId);
        Assert.Equal("primary", record.Backend);
        Assert.Equal("primary-model", record.Model);
        Assert.Equal(UsageOutcome.Succeeded, record.Outcome);
        Assert.Equal(1, record.Attempts);
        Assert.Equal(0.925m, record.CostUsd);
    }

    [Fact]
    public async Task SpentBackendBudget_TakesItOutOfRotation_TheFallbackAnswers_AndItIsLoggedOnce()
    {
        using var host = Host(s =>
        {
            s.Backends.Add(Priced("primary", 1, maxSpend: 1.5m));
            s.Backends.Add(Priced("fallback", 2));
        });

        var first = await host.Llm.ChatAsync(Ask());
        var second = await host.Llm.ChatAsync(Ask());
        var third = await host.Llm.ChatAsync(Ask());
        var fourth = await host.Llm.ChatAsync(Ask());

        // The second answer took primary past $1.50 (an overshoot of one request in flight); after that it is out.
        Assert.Equal(new[] { "primary", "primary", "fallback", "fallback" }, new[] { first.BackendUsed, second.BackendUsed, third.BackendUsed, fourth.BackendUsed });
        Assert.Equal(2, host.Plugin.Backends["primary"].Calls);
        var warnings = host.Logs.Entries.Where(e => e.Message.Contains("Backends:0:MaxSpendUsd", StringComparison.Ordinal)).ToList();
        Assert.Single(warnings);
    }

    [Fact]
    public async Task EveryBackendSpent_IsBudgetExceeded_NamingTheBudgetAndWhenItResets()
    {
        var time = new FakeTimeProvider(Saturday);
        using var host = Host(s => s.Backends.Add(Priced("primary", 1, maxSpend: 0.5m, SpendResetPeriod.Daily)), time);

        await host.Llm.ChatAsync(Ask());
        var refused = await host.Llm.ChatAsync(Ask());

        Assert.False(refused.Success);
        Assert.Equal(LlmErrorKind.BudgetExceeded, refused.Error!.Kind);
        Assert.Contains("Backends:0:MaxSpendUsd", refused.Error.Message, StringComparison.Ordinal);
        Assert.Contains("2026-12-06 00:00 UTC", refused.Error.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromHours(9), refused.Error.RetryAfter);
        Assert.Equal(1, host.Plugin.Backends["primary"].Calls);
    }

    [Fact]
    public async Task BackendBudget_StartsAgainWhenItsPeriodTurns()
    {
        var time = new FakeTimeProvider(Saturday);
        using var host = Host(s => s.Backends.Add(Priced("primary", 1, maxSpend: 0.5m, SpendResetPeriod.Weekly)), time);
        await host.Llm.ChatAsync(Ask());
        await host.Services.GetRequiredService<IUsageLedger>().FlushAsync();

        var sameWeek = await host.Llm.ChatAsync(Ask());
        time.Advance(TimeSpan.FromDays(1));
        var sundayNight = await host.Llm.ChatAsync(Ask());
        time.Advance(TimeSpan.FromHours(9));
        var monday = await host.Llm.ChatAsync(Ask());

        Assert.Equal(LlmErrorKind.BudgetExceeded, sameWeek.Error?.Kind);
        Assert.Equal(LlmErrorKind.BudgetExceeded, sundayNight.Error?.Kind);
        Assert.True(monday.Success, monday.Error?.Message);
        Assert.Equal("primary", monday.BackendUsed);
    }

    [Fact]
    public async Task CallerBudget_RefusesThatCallerBeforeAnyBackend_OthersGoOn()
    {
        var time = new FakeTimeProvider(Saturday);
        using var host = Host(s => s.Backends.Add(Priced("primary", 1)), time);
        host.Services.GetRequiredService<BudgetBook>().Add(new Budget(BudgetScopes.Caller("alice"), "Gateway:Keys:0:MaxSpendUsd", 1m, SpendResetPeriod.Monthly, DayOfWeek.Monday, 1, LogExceeded: true));

        LlmResponse aliceFirst, aliceSecond, aliceThird, bob;
        using (LlmCallContext.Begin(new LlmCallContext { CallerName = "alice" }))
        {
            aliceFirst = await host.Llm.ChatAsync(Ask());
            aliceSecond = await host.Llm.ChatAsync(Ask());
            aliceThird = await host.Llm.ChatAsync(Ask());
        }

        using (LlmCallContext.Begin(new LlmCallContext { CallerName = "bob" }))
        {
            bob = await host.Llm.ChatAsync(Ask());
        }

        Assert.True(aliceFirst.Success);
        Assert.True(aliceSecond.Success);
        Assert.Equal(LlmErrorKind.BudgetExceeded, aliceThird.Error?.Kind);
        Assert.Contains("caller 'alice'", aliceThird.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("Gateway:Keys:0:MaxSpendUsd", aliceThird.Error.Message, StringComparison.Ordinal);
        Assert.Contains("2027-01-01 00:00 UTC", aliceThird.Error.Message, StringComparison.Ordinal);
        Assert.True(bob.Success);
        Assert.Equal(3, host.Plugin.Backends["primary"].Calls);
    }

    [Fact]
    public async Task CallerBudget_RefusesStreamsAndEmbeddingsToo()
    {
        using var host = Host(s => s.Backends.Add(Priced("primary", 1)));
        var book = host.Services.GetRequiredService<BudgetBook>();
        book.Add(new Budget(BudgetScopes.Caller("alice"), "caller budget", 0.5m, SpendResetPeriod.Never, DayOfWeek.Monday, 1, LogExceeded: false));
        using var context = LlmCallContext.Begin(new LlmCallContext { CallerName = "alice" });
        await host.Llm.ChatAsync(Ask());

        var refusal = await Assert.ThrowsAsync<LlmBackendException>(async () =>
        {
            await foreach (var update in host.Llm.StreamChatAsync(Ask()))
            {
            }
        });

        var embedding = await host.Llm.EmbedAsync(new EmbeddingRequest { Inputs = { "text" } });

        Assert.Equal(LlmErrorKind.BudgetExceeded, refusal.Error.Kind);
        Assert.Contains("does not reset", refusal.Error.Message, StringComparison.Ordinal);
        Assert.Equal(LlmErrorKind.BudgetExceeded, embedding.Error?.Kind);
        Assert.Equal(1, host.Plugin.Backends["primary"].Calls);
    }

    [Fact]
    public async Task RouteBudget_RefusesRequestsForThatRoute_OtherModelsGoOn()
    {
        using var host = Host(s =>
        {
            s.Backends.Add(Priced("primary", 1));
            s.Routes.Add(new RouteConfig { Name = "drafts", Backends = { "primary" }, MaxSpendUsd = 0.9m });
        });

        var first = await host.Llm.ChatAsync(Ask("drafts"));
        var second = await host.Llm.ChatAsync(Ask("drafts"));
        var other = await host.Llm.ChatAsync(Ask());

        Assert.True(first.Success);
        Assert.Equal(LlmErrorKind.BudgetExceeded, second.Error?.Kind);
        Assert.Contains("route 'drafts'", second.Error!.Message, StringComparison.Ordinal);
        Assert.True(other.Success);
    }

    [Fact]
    public async Task CutStream_TheTokensTheFailedAttemptWasBilledAreChargedToItsBackend()
    {
        using var host = LlmTestHost.Create(s =>
        {
            s.Backends.Add(new LlmBackendConfig { Name = "primary", Type = "Scripted", Priority = 1, CostPerMillionInputTokens = 1_000_000m, CostPerMillionOutputTokens = 1_000_000m, MaxSpendUsd = 1_000_000m });
            s.Backends.Add(new LlmBackendConfig { Name = "fallback", Type = "Scripted", Priority = 2, CostPerMillionInputTokens = 1_000_000m, CostPerMillionOutputTokens = 1_000_000m, MaxSpendUsd = 1_000_000m });
            s.Resilience.ContinueBrokenStreams = true;
        });
        host.Llm.GetBackends();
        host.Plugin.Scripted["primary"].Faults.Enqueue(new Fault.CutAfter(20));
        host.Plugin.Scripted["fallback"].SupportsAssistantPrefill = true;
        var records = new List<UsageRecord>();
        host.Services.GetRequiredService<UsageLedger>().Recorded += records.Add;

        ChatStreamUpdate? last = null;
        await foreach (var update in host.Llm.StreamChatAsync(Ask()))
        {
            last = update;
        }

        var book = host.Services.GetRequiredService<BudgetBook>();
        var primarySpent = book.Spent(book.Find(BudgetScopes.Backend("primary"))!);
        var fallbackSpent = book.Spent(book.Find(BudgetScopes.Backend("fallback"))!);

        // The cut attempt reported no usage: its prompt and the 20 words it sent are estimated ($1 a token here), not free.
        Assert.True(primarySpent > 20m, $"primary was charged ${primarySpent}");
        Assert.Equal(45m, fallbackSpent); // The fallback reported 5 prompt + 40 completion tokens.
        var record = Assert.Single(records);
        Assert.Equal(primarySpent + fallbackSpent, record.CostUsd);
        Assert.True(record.TokensEstimated);

        // The caller is told what the whole request cost: the answer and the cut attempt.
        Assert.Equal(record.CostUsd, last!.CostUsd);
    }

    [Fact]
    public async Task CallerHangingUpMidStream_IsChargedAnEstimateOfWhatWasSent()
    {
        using var host = LlmTestHost.Create(s => s.Backends.Add(new LlmBackendConfig { Name = "primary", Type = "Scripted", CostPerMillionInputTokens = 1_000_000m, CostPerMillionOutputTokens = 1_000_000m, MaxSpendUsd = 1_000_000m }));
        host.Llm.GetBackends();
        var records = new List<UsageRecord>();
        host.Services.GetRequiredService<UsageLedger>().Recorded += records.Add;

        var read = 0;
        await foreach (var update in host.Llm.StreamChatAsync(Ask()))
        {
            if (++read == 10)
            {
                break;
            }
        }

        var record = Assert.Single(records);
        var book = host.Services.GetRequiredService<BudgetBook>();
        Assert.Equal(UsageOutcome.Cancelled, record.Outcome);
        Assert.True(record.TokensEstimated);
        Assert.True(record.CompletionTokens > 0);
        Assert.Equal(record.PromptTokens + record.CompletionTokens, record.CostUsd);
        Assert.Equal(record.CostUsd, book.Spent(book.Find(BudgetScopes.Backend("primary"))!));
    }

    [Fact]
    public async Task LedgerOff_AnswersStillCarryTheirCost_NothingIsRecorded()
    {
        using var host = Host(s =>
        {
            s.Backends.Add(Priced("primary", 1));
            s.Usage.Enabled = false;
        });

        var response = await host.Llm.ChatAsync(Ask());

        Assert.Equal(0.925m, response.CostUsd);
        Assert.Equal(0, host.Services.GetRequiredService<IUsageLedger>().GetStatus().Recorded);
    }

    [Fact]
    public void LedgerOff_WithBudgets_StopsStartup_SayingBudgetsNeedTheLedger()
    {
        var settings = new LlmSettings { Usage = { Enabled = false } };
        settings.Backends.Add(Priced("primary", 1, maxSpend: 5m));
        var problems = new List<string>();

        LlmSettingsValidator.ValidateStructure(settings, problems);

        Assert.Contains(problems, p => p.Contains("Usage:Enabled is false", StringComparison.Ordinal) && p.Contains("MaxSpendUsd", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnpricedModel_HasNoCost_AndIsCountedAsUnpriced()
    {
        using var host = Host(s => s.Backends.Add(LlmTestHost.TestBackend("primary")));

        var response = await host.Llm.ChatAsync(Ask());
        var totals = await host.Services.GetRequiredService<IUsageLedger>().QueryAsync(new UsageQuery { GroupBy = UsageGrouping.Backend });

        Assert.Null(response.CostUsd);
        Assert.Equal(1, Assert.Single(totals).UnpricedRequests);
    }
}
