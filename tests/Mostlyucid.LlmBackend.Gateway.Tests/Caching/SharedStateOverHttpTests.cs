using System.Net;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Gateway.Tests.Spend;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Caching;

/// <summary>
/// Two gateway instances on one real redis-server (started by the fixture on loopback) share one cache and one rate
/// limit; Redis stopped mid-test costs no request, is reported, and is recovered from without a restart.
/// </summary>
public sealed class SharedStateOverHttpTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task IdenticalRequest_IsAnsweredFromTheSharedCache_OnEitherInstance()
    {
        await using var pair = await CacheGateway.StartAsync(instances: 2, redis.ConnectionString, Unique());
        var text = "shared cache " + Guid.NewGuid().ToString("N");

        using var miss = await pair.Instances[0].Http.SendAsync(CacheGateway.Chat(text: text));
        using var hit = await pair.Instances[1].Http.SendAsync(CacheGateway.Chat(text: text));
        using var again = await pair.Instances[0].Http.SendAsync(CacheGateway.Chat(text: text));

        Assert.Equal(HttpStatusCode.OK, hit.StatusCode);
        Assert.Equal(("miss", "hit", "hit"), (CacheGateway.CacheHeader(miss), CacheGateway.CacheHeader(hit), CacheGateway.CacheHeader(again)));
        Assert.Equal(1, pair.UpstreamChats);
        Assert.Equal(
            JsonNode.Parse(await miss.Content.ReadAsStringAsync())!["choices"]![0]!["message"]!.ToJsonString(),
            JsonNode.Parse(await hit.Content.ReadAsStringAsync())!["choices"]![0]!["message"]!.ToJsonString());
    }

    [Fact]
    public async Task StreamedAnswer_IsServedFromTheSharedCache_AsTheSameKindOfStream()
    {
        await using var pair = await CacheGateway.StartAsync(instances: 2, redis.ConnectionString, Unique());
        var text = "shared stream " + Guid.NewGuid().ToString("N");

        using var miss = await pair.Instances[0].Http.SendAsync(CacheGateway.Chat(text: text, stream: true));
        var missFrames = Frames(await miss.Content.ReadAsStringAsync());
        using var hit = await pair.Instances[1].Http.SendAsync(CacheGateway.Chat(text: text, stream: true));
        var hitFrames = Frames(await hit.Content.ReadAsStringAsync());

        // One upstream call; the hit is an SSE stream of chat.completion.chunk frames with the same text, finish reason
        // and usage, ending in [DONE] — what a client reading the miss would have read.
        Assert.Equal(1, pair.UpstreamChats);
        Assert.Equal(("miss", "hit"), (CacheGateway.CacheHeader(miss), CacheGateway.CacheHeader(hit)));
        Assert.Equal(miss.Content.Headers.ContentType!.MediaType, hit.Content.Headers.ContentType!.MediaType);
        Assert.Equal("[DONE]", hitFrames[^1]);
        var missChunks = missFrames.SkipLast(1).Select(f => JsonNode.Parse(f)!).ToList();
        var hitChunks = hitFrames.SkipLast(1).Select(f => JsonNode.Parse(f)!).ToList();
        Assert.All(hitChunks, c => Assert.Equal("chat.completion.chunk", c["object"]!.GetValue<string>()));
        Assert.Equal(Keys(missChunks[0]), Keys(hitChunks[0]));
        Assert.Equal(Text(missChunks), Text(hitChunks));
        Assert.Equal(Finish(missChunks), Finish(hitChunks));
        var missUsage = missChunks.Last(c => c["usage"] is JsonObject)["usage"]!.AsObject();
        var hitUsage = hitChunks.Last(c => c["usage"] is JsonObject)["usage"]!.AsObject();
        Assert.Equal(0m, hitUsage["cost_usd"]!.GetValue<decimal>());
        missUsage.Remove("cost_usd");
        hitUsage.Remove("cost_usd");
        Assert.Equal(missUsage.ToJsonString(), hitUsage.ToJsonString());

        // And a request that does not stream is answered from the same entry.
        using var whole = await pair.Instances[0].Http.SendAsync(CacheGateway.Chat(text: text));
        Assert.Equal("hit", CacheGateway.CacheHeader(whole));
        Assert.Equal(Text(missChunks), JsonNode.Parse(await whole.Content.ReadAsStringAsync())!["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.Equal(1, pair.UpstreamChats);
    }

    [Fact]
    public async Task KeysPerMinuteLimit_HoldsAcrossTwoInstances()
    {
        await using var pair = await CacheGateway.StartAsync(instances: 2, redis.ConnectionString, Unique());

        // Three a minute for the key, whichever instance counts them; sampling requests, so the cache does not answer.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await pair.Instances[i % 2].Http.SendAsync(CacheGateway.Chat(CacheGateway.MeteredKey, temperature: "0.5"));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(response.Headers.RetryAfter is not null);
            }
        }

        Assert.Equal(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests }, statuses);
    }

    [Fact]
    public async Task RedisStoppedMidTest_LosesNoRequest_IsReported_AndIsRecoveredFrom()
    {
        await using var pair = await CacheGateway.StartAsync(instances: 2, redis.ConnectionString, Unique());
        var text = "outage " + Guid.NewGuid().ToString("N");
        using (await pair.Instances[0].Http.SendAsync(CacheGateway.Chat(text: text)))
        {
        }

        await redis.StopAsync();
        try
        {
            // Every request is answered (by the backend: the cache is bypassed), metered ones too (limits fail open).
            for (var i = 0; i < 6; i++)
            {
                using var response = await pair.Instances[i % 2].Http.SendAsync(CacheGateway.Chat(i % 3 == 0 ? CacheGateway.MeteredKey : SpendGateway.ClientKey, text: text));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("bypass", CacheGateway.CacheHeader(response));
            }

            using var health = await pair.Instances[1].Http.SendAsync(SpendGateway.Get(SpendGateway.AdminKey, "/health/ready"));
            var report = await health.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            var node = JsonNode.Parse(report)!;
            Assert.Equal("degraded", node["status"]!.GetValue<string>());
            Assert.False(node["shared_state"]!["available"]!.GetValue<bool>());
            Assert.DoesNotContain(RedisServer.Password, report, StringComparison.Ordinal);
        }
        finally
        {
            await redis.StartAsync();
        }

        // Back by itself: ready again, and the cache (emptied by the restart) fills and answers again on either instance.
        await WaitUntilAsync(async () =>
        {
            using var health = await pair.Instances[0].Http.SendAsync(SpendGateway.Get(SpendGateway.AdminKey, "/health/ready"));
            return JsonNode.Parse(await health.Content.ReadAsStringAsync())!["status"]!.GetValue<string>() == "ready";
        });

        // "Ready" follows the connection; its first commands may still fail on a loaded machine. Wait until both instances
        // store and read through Redis again (a probe of their own), so the count below is the cache's, not the outage's.
        var probe = "probe " + Guid.NewGuid().ToString("N");
        foreach (var instance in pair.Instances)
        {
            await WaitUntilAsync(async () =>
            {
                using var response = await instance.Http.SendAsync(CacheGateway.Chat(text: probe));
                return CacheGateway.CacheHeader(response) == "hit";
            });
        }

        var chatsBefore = pair.UpstreamChats;
        var seen = new List<string?>();
        await WaitUntilAsync(async () =>
        {
            using var response = await pair.Instances[0].Http.SendAsync(CacheGateway.Chat(text: text));
            seen.Add(CacheGateway.CacheHeader(response));
            return seen[^1] == "hit";
        });
        using var other = await pair.Instances[1].Http.SendAsync(CacheGateway.Chat(text: text));
        Assert.Equal("hit", CacheGateway.CacheHeader(other));
        Assert.True(pair.UpstreamChats - chatsBefore is >= 1 and <= 2, $"{pair.UpstreamChats - chatsBefore} upstream calls to fill the cache again; the gateway said {string.Join(", ", seen)}");

        // Said so in the logs, never with the password.
        Assert.Contains(pair.Logs.Lines, l => l.Contains("Redis", StringComparison.Ordinal) && l.Contains("unreachable", StringComparison.Ordinal));
        Assert.DoesNotContain(pair.Logs.Lines, l => l.Contains(RedisServer.Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task LimitsFailClosed_WhenConfigured_WhileRedisIsDown()
    {
        var settings = Unique();
        settings["LlmSettings:Redis:LimitsWhenUnavailable"] = "Refuse";
        await using var pair = await CacheGateway.StartAsync(instances: 1, redis.ConnectionString, settings);

        await redis.StopAsync();
        try
        {
            using var limited = await pair.Instances[0].Http.SendAsync(CacheGateway.Chat(CacheGateway.MeteredKey, temperature: "0.5"));
            using var unlimited = await pair.Instances[0].Http.SendAsync(CacheGateway.Chat(SpendGateway.ClientKey, temperature: "0.5"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, limited.StatusCode);
            Assert.True(limited.Headers.RetryAfter is not null);
            Assert.Equal(HttpStatusCode.OK, unlimited.StatusCode);
        }
        finally
        {
            await redis.StartAsync();
        }
    }

    /// <summary>Each test's own key prefixes, so tests sharing the server never see each other's counters or answers.</summary>
    private static Dictionary<string, string?> Unique()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        return new Dictionary<string, string?> { ["LlmSettings:Caching:KeyPrefix"] = $"t{id}:cache:", ["LlmSettings:Redis:KeyPrefix"] = $"t{id}:" };
    }

    private static List<string> Frames(string body) =>
        body.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l["data: ".Length..].Trim()).ToList();

    private static string Keys(JsonNode chunk) => string.Join(",", chunk.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));

    private static string Text(List<JsonNode> chunks) =>
        string.Concat(chunks.Select(c => c["choices"]?.AsArray().FirstOrDefault()?["delta"]?["content"]?.GetValue<string>()));

    private static string? Finish(List<JsonNode> chunks) =>
        chunks.Select(c => c["choices"]?.AsArray().FirstOrDefault()?["finish_reason"]).LastOrDefault(f => f is not null)?.GetValue<string>();

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 30 s.");
            await Task.Delay(200);
        }
    }
}
