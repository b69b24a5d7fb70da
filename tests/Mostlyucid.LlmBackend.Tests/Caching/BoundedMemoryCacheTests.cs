using Microsoft.Extensions.Caching.Distributed;
using Mostlyucid.LlmBackend.Caching;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Caching;

/// <summary>The memory store's bound counts what an entry really holds, so a small answer cannot make the cache several times its size.</summary>
public sealed class BoundedMemoryCacheTests
{
    private static readonly DistributedCacheEntryOptions Hour = new() { AbsoluteExpirationRelativeToNow = TimeSpan.FromHours(1) };

    [Fact]
    public async Task Set_SmallAnswers_CountTheirKeyAndTheCachesObjectsAgainstTheBound()
    {
        const long limit = 1024 * 1024;
        using var cache = new BoundedMemoryCache(limit, new FakeTimeProvider());
        var value = new byte[200];
        for (var i = 0; i < 20_000; i++)
        {
            cache.Set($"llmb:cache:{i:D64}", value, Hour);
        }

        // Counting only the bytes, 1 MB holds ~5,200 answers of 200 bytes; with the key and the entry's objects, ~1,450.
        var perEntry = BoundedMemoryCache.SizeOf($"llmb:cache:{0:D64}", value);
        await WaitUntilAsync(() => cache.Count <= limit / perEntry);
        Assert.InRange(cache.Count, 1, limit / perEntry);
        Assert.True(perEntry >= value.Length + BoundedMemoryCache.EntryOverheadBytes);
    }

    [Fact]
    public void Get_ReadsAnAnswerBack_UntilItExpiresOnTheTimeProvider()
    {
        var time = new FakeTimeProvider();
        using var cache = new BoundedMemoryCache(1024 * 1024, time);
        cache.Set("k", new byte[] { 1, 2, 3 }, new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) });

        Assert.Equal(new byte[] { 1, 2, 3 }, cache.Get("k"));
        time.Advance(TimeSpan.FromMinutes(6));
        Assert.Null(cache.Get("k"));
    }

    [Fact]
    public async Task Remove_ForgetsAnAnswer()
    {
        using var cache = new BoundedMemoryCache(1024 * 1024, new FakeTimeProvider());
        await cache.SetAsync("k", new byte[] { 7 }, Hour);
        await cache.RemoveAsync("k");
        Assert.Null(await cache.GetAsync("k"));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        // Over the bound, new entries are refused at once and a compaction is queued on the thread pool.
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10);
        }
    }
}
