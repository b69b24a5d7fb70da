using Microsoft.Extensions.DependencyInjection;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Spend;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Caching;

/// <summary>Through the whole pipeline: a hit reaches no backend, costs nothing, and the ledger records it as a hit.</summary>
public sealed class CacheLedgerTests
{
    [Fact]
    public async Task Hit_CostsNothing_AndIsRecordedAsAHit()
    {
        using var host = LlmTestHost.Create(s =>
        {
            var backend = LlmTestHost.TestBackend("priced", 1);
            backend.CostPerMillionInputTokens = 1_000_000m;
            backend.CostPerMillionOutputTokens = 1_000_000m;
            s.Backends.Add(backend);
            s.Caching.Enabled = true;
        });
        host.Llm.GetBackends();
        host.Plugin.Backends["priced"].Handler = (_, _) => Task.FromResult(new LlmResponse { Success = true, Content = "hi", PromptTokens = 3, CompletionTokens = 2, TotalTokens = 5, FinishReason = "stop" });
        var ledger = host.Services.GetRequiredService<UsageLedger>();
        var records = new List<UsageRecord>();
        ledger.Recorded += records.Add;
        var request = new ChatRequest { Temperature = 0, Messages = { new ChatMessage { Content = "hello" } } };

        var miss = await host.Llm.ChatAsync(request);
        var hit = await host.Llm.ChatAsync(request);

        Assert.Equal(1, host.Plugin.Backends["priced"].Calls);
        Assert.True(miss.CostUsd > 0);
        Assert.True(hit.CacheHit);
        Assert.Equal(0m, hit.CostUsd);
        Assert.Equal(2, records.Count);
        Assert.False(records[0].CacheHit);
        Assert.True(records[1].CacheHit);
        Assert.Equal(0m, records[1].CostUsd);
        Assert.Equal(0, records[1].PromptTokens + records[1].CompletionTokens);
        Assert.Equal(UsageOutcome.Succeeded, records[1].Outcome);

        var total = Assert.Single(await host.Services.GetRequiredService<IUsageLedger>().QueryAsync(new UsageQuery { GroupBy = UsageGrouping.Backend }));
        Assert.Equal(2, total.Requests);
        Assert.Equal(1, total.CacheHits);
        Assert.Equal(miss.CostUsd, total.CostUsd);
    }
}
