using System.Diagnostics;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging.Abstractions;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Redis;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Redis;

/// <summary>The Redis shared state against a real redis-server on loopback (the fixture starts and stops its own).</summary>
public sealed class RedisSharedStateTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static string Redact(string text) => text.Replace(RedisServer.Password, "[redacted]", StringComparison.Ordinal);

    private RedisSharedState Connect() =>
        RedisSharedState.Connect(new RedisSettings { ConnectionString = redis.ConnectionString, TimeoutMs = 500 }, Redact, NullLogger.Instance);

    [Fact]
    public async Task TryAddAsync_IsAtomicAcrossConnections_ExactlyTheLimitGetsThrough()
    {
        using var first = Connect();
        using var second = Connect();
        var key = "test:" + Guid.NewGuid().ToString("N");

        var results = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => (i % 2 == 0 ? first : second).TryAddAsync(key, 1, 25, TimeSpan.FromMinutes(1)).AsTask()));

        Assert.Equal(25, results.Count(r => r.Added));
        var refused = results.Where(r => !r.Added).ToList();
        Assert.Equal(35, refused.Count);
        Assert.All(refused, r => Assert.InRange(r.RetryAfter!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task TryAddAsync_WindowTurns_WhenTheKeyExpires()
    {
        using var state = Connect();
        var key = "test:" + Guid.NewGuid().ToString("N");

        Assert.True((await state.TryAddAsync(key, 1, 1, TimeSpan.FromMilliseconds(300))).Added);
        Assert.False((await state.TryAddAsync(key, 1, 1, TimeSpan.FromMilliseconds(300))).Added);
        await Task.Delay(500);
        Assert.True((await state.TryAddAsync(key, 1, 1, TimeSpan.FromMilliseconds(300))).Added);
    }

    [Fact]
    public async Task Cache_IsShared_BetweenConnections()
    {
        using var first = Connect();
        using var second = Connect();
        var key = "test:" + Guid.NewGuid().ToString("N");

        await first.Cache.SetAsync(key, new byte[] { 1, 2, 3 }, new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) });

        Assert.Equal(new byte[] { 1, 2, 3 }, await second.Cache.GetAsync(key));
    }

    [Fact]
    public async Task ServerDown_FailsFast_WithoutThePassword_ThenRecoversByItself()
    {
        using var state = Connect();
        var key = "test:" + Guid.NewGuid().ToString("N");
        Assert.True((await state.TryAddAsync(key, 1, 10, TimeSpan.FromMinutes(1))).Added);

        await redis.StopAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<SharedStateUnavailableException>(() => state.TryAddAsync(key, 1, 10, TimeSpan.FromMinutes(1)).AsTask());
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"A call to a stopped server took {clock.Elapsed}.");
            Assert.DoesNotContain(RedisServer.Password, error.Message, StringComparison.Ordinal);
            await WaitUntilAsync(() => !state.Available);
            Assert.DoesNotContain(RedisServer.Password, state.LastError ?? string.Empty, StringComparison.Ordinal);
        }
        finally
        {
            await redis.StartAsync();
        }

        await WaitUntilAsync(() => state.Available);
        Assert.True((await state.TryAddAsync("test:" + Guid.NewGuid().ToString("N"), 1, 10, TimeSpan.FromMinutes(1))).Added);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 20 s.");
            await Task.Delay(50);
        }
    }
}
