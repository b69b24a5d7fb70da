using System.Net;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Gateway.Tests.Spend;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Caching;

/// <summary>The gateway's default response cache (memory) over HTTP: what is cached, the headers that steer it, and what it says.</summary>
public sealed class CacheOverHttpTests
{
    [Fact]
    public async Task IdenticalDeterministicRequest_IsAnsweredOnce_TheHitCostsNothing()
    {
        await using var gateway = await CacheGateway.StartAsync(instances: 1);
        var http = gateway.Instances[0].Http;

        using var miss = await http.SendAsync(CacheGateway.Chat());
        using var hit = await http.SendAsync(CacheGateway.Chat());
        using var third = await http.SendAsync(CacheGateway.Chat());

        Assert.Equal(HttpStatusCode.OK, hit.StatusCode);
        Assert.Equal(1, gateway.UpstreamChats);
        Assert.Equal("miss", CacheGateway.CacheHeader(miss));
        Assert.Equal("hit", CacheGateway.CacheHeader(hit));
        Assert.Equal("hit", CacheGateway.CacheHeader(third));
        Assert.Equal("0", hit.Headers.GetValues("x-llmb-cost-usd").Single());
        var missBody = JsonNode.Parse(await miss.Content.ReadAsStringAsync())!;
        var hitBody = JsonNode.Parse(await hit.Content.ReadAsStringAsync())!;
        Assert.Equal(missBody["choices"]![0]!["message"]!["content"]!.GetValue<string>(), hitBody["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        // The same usage as reported, but the hit cost nothing.
        Assert.Equal(0m, hitBody["usage"]!["cost_usd"]!.GetValue<decimal>());
        Assert.True(missBody["usage"]!["cost_usd"]!.GetValue<decimal>() > 0);
        missBody["usage"]!.AsObject().Remove("cost_usd");
        hitBody["usage"]!.AsObject().Remove("cost_usd");
        Assert.Equal(missBody["usage"]!.ToJsonString(), hitBody["usage"]!.ToJsonString());
    }

    [Fact]
    public async Task SamplingRequest_IsNotCached_UnlessTheRequestAsks()
    {
        await using var gateway = await CacheGateway.StartAsync(instances: 1);
        var http = gateway.Instances[0].Http;

        using var first = await http.SendAsync(CacheGateway.Chat(temperature: "0.9"));
        using var second = await http.SendAsync(CacheGateway.Chat(temperature: null));
        Assert.Equal("bypass", CacheGateway.CacheHeader(first));
        Assert.Equal("bypass", CacheGateway.CacheHeader(second));

        using var forcedMiss = await http.SendAsync(CacheGateway.Chat(temperature: "0.9", headers: ("x-llmb-cache", "on")));
        using var forcedHit = await http.SendAsync(CacheGateway.Chat(temperature: "0.9", headers: ("x-llmb-cache", "on")));
        Assert.Equal("miss", CacheGateway.CacheHeader(forcedMiss));
        Assert.Equal("hit", CacheGateway.CacheHeader(forcedHit));
        Assert.Equal(3, gateway.UpstreamChats);
    }

    [Fact]
    public async Task CacheControl_NoCacheRefreshes_NoStoreBypasses()
    {
        await using var gateway = await CacheGateway.StartAsync(instances: 1);
        var http = gateway.Instances[0].Http;
        using (await http.SendAsync(CacheGateway.Chat()))
        {
        }

        using var refreshed = await http.SendAsync(CacheGateway.Chat(headers: ("Cache-Control", "no-cache")));
        using var bypassed = await http.SendAsync(CacheGateway.Chat(headers: ("Cache-Control", "no-store")));
        using var off = await http.SendAsync(CacheGateway.Chat(headers: ("x-llmb-cache", "off")));
        using var hit = await http.SendAsync(CacheGateway.Chat());

        Assert.Equal("miss", CacheGateway.CacheHeader(refreshed));
        Assert.Equal("bypass", CacheGateway.CacheHeader(bypassed));
        Assert.Equal("bypass", CacheGateway.CacheHeader(off));
        Assert.Equal("hit", CacheGateway.CacheHeader(hit));
        Assert.Equal(4, gateway.UpstreamChats);
    }

    [Fact]
    public async Task Key_IsNotPartOfTheCacheKey_UnlessScopedPerCaller()
    {
        await using (var shared = await CacheGateway.StartAsync(instances: 1))
        {
            using (await shared.Instances[0].Http.SendAsync(CacheGateway.Chat(SpendGateway.ClientKey)))
            {
            }

            using var otherKey = await shared.Instances[0].Http.SendAsync(CacheGateway.Chat(SpendGateway.AdminKey));
            Assert.Equal("hit", CacheGateway.CacheHeader(otherKey));
            Assert.Equal(1, shared.UpstreamChats);
        }

        await using var scoped = await CacheGateway.StartAsync(instances: 1, extra: new Dictionary<string, string?> { ["LlmSettings:Caching:Scope"] = "Caller" });
        using (await scoped.Instances[0].Http.SendAsync(CacheGateway.Chat(SpendGateway.ClientKey)))
        {
        }

        using var other = await scoped.Instances[0].Http.SendAsync(CacheGateway.Chat(SpendGateway.AdminKey));
        using var same = await scoped.Instances[0].Http.SendAsync(CacheGateway.Chat(SpendGateway.ClientKey));
        Assert.Equal("miss", CacheGateway.CacheHeader(other));
        Assert.Equal("hit", CacheGateway.CacheHeader(same));
        Assert.Equal(2, scoped.UpstreamChats);
    }

    [Fact]
    public async Task AnthropicStream_IsReplayedAsAnAnthropicStream()
    {
        await using var gateway = await CacheGateway.StartAsync(instances: 1);
        var http = gateway.Instances[0].Http;

        var missRequest = SpendGateway.Messages(SpendGateway.ClientKey, stream: true);
        missRequest.Headers.Add("x-llmb-cache", "on");
        using var miss = await http.SendAsync(missRequest);
        var missText = await miss.Content.ReadAsStringAsync();
        var hitRequest = SpendGateway.Messages(SpendGateway.ClientKey, stream: true);
        hitRequest.Headers.Add("x-llmb-cache", "on");
        using var hit = await http.SendAsync(hitRequest);
        var hitText = await hit.Content.ReadAsStringAsync();

        Assert.Equal(("miss", "hit"), (CacheGateway.CacheHeader(miss), CacheGateway.CacheHeader(hit)));
        Assert.Single(gateway.Upstream.Requests, r => r.Path.EndsWith("/messages", StringComparison.Ordinal));

        // The same event types in the same order (message_start … message_stop), and the same text.
        Assert.Equal(Events(missText).Distinct(), Events(hitText).Distinct());
        Assert.Equal(AnthropicText(missText), AnthropicText(hitText));
        Assert.NotEmpty(AnthropicText(hitText));
    }

    private static IEnumerable<string> Events(string body) =>
        body.Split('\n').Where(l => l.StartsWith("event: ", StringComparison.Ordinal)).Select(l => l["event: ".Length..].Trim());

    private static string AnthropicText(string body) => string.Concat(
        body.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal))
            .Select(l => JsonNode.Parse(l["data: ".Length..])!)
            .Where(d => d["type"]!.GetValue<string>() == "content_block_delta" && d["delta"]!["type"]!.GetValue<string>() == "text_delta")
            .Select(d => d["delta"]!["text"]!.GetValue<string>()));

    [Fact]
    public async Task Embeddings_AreCached()
    {
        await using var gateway = await CacheGateway.StartAsync(instances: 1);
        var http = gateway.Instances[0].Http;

        using var miss = await http.SendAsync(CacheGateway.Embed());
        using var hit = await http.SendAsync(CacheGateway.Embed());

        Assert.Equal(HttpStatusCode.OK, hit.StatusCode);
        Assert.Equal("hit", CacheGateway.CacheHeader(hit));
        Assert.Single(gateway.Upstream.Embeddings);
        Assert.Equal(
            JsonNode.Parse(await miss.Content.ReadAsStringAsync())!["data"]!.ToJsonString(),
            JsonNode.Parse(await hit.Content.ReadAsStringAsync())!["data"]!.ToJsonString());
    }

    [Fact]
    public async Task LedgerCountsTheHit_AtNoCost()
    {
        await using var gateway = await CacheGateway.StartAsync(instances: 1);
        var http = gateway.Instances[0].Http;
        using (await http.SendAsync(CacheGateway.Chat()))
        using (await http.SendAsync(CacheGateway.Chat()))
        {
        }

        using var report = await http.SendAsync(SpendGateway.Get(SpendGateway.AdminKey, "/admin/usage?group_by=key"));
        var text = await report.Content.ReadAsStringAsync();
        var client = JsonNode.Parse(text)!["totals"]!.AsArray().Single(t => t!["key"]!.GetValue<string>() == "client")!;
        Assert.Equal(2, client["requests"]!.GetValue<long>());
        Assert.Equal(1, client["cache_hits"]!.GetValue<long>());
    }
}
