using Microsoft.Extensions.Caching.Distributed;
using Mostlyucid.LlmBackend.Caching;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Caching;

/// <summary>The memory store's bound counts what an entry really holds, so a small answer cannot make the cache several times its size.</summary>
public sealed class BoundedMemoryCacheTests
{
    private static readonly DistributedCacheEntryOptions Hour = new() { AbsoluteExpirationRelativeToNow = TimeSpan.FromHours(1) };

    [Fact]
    public void Set_SmallAnswers_CountTheirKeyAndTheCachesObjectsAgainstTheBound()
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
        Assert.Equal(limit / perEntry, cache.Count);
        Assert.Equal(cache.Count * perEntry, cache.Size);
        Assert.True(perEntry >= value.Length + BoundedMemoryCache.EntryOverheadBytes);

        // A full cache still takes the newest answer, at once.
        Assert.NotNull(cache.Get($"llmb:cache:{19_999:D64}"));
        Assert.Null(cache.Get($"llmb:cache:{0:D64}"));
    }

    [Fact]
    public void AFullCache_EvictsTheLeastRecentlyUsedAnswer_OneAtATime()
    {
        var value = new byte[100];
        using var cache = new BoundedMemoryCache(3 * BoundedMemoryCache.SizeOf("a", value), new FakeTimeProvider());
        cache.Set("a", value, Hour);
        cache.Set("b", value, Hour);
        cache.Set("c", value, Hour);
        Assert.NotNull(cache.Get("a")); // now b is the least recently used

        cache.Set("d", value, Hour);

        Assert.Null(cache.Get("b"));
        Assert.NotNull(cache.Get("a"));
        Assert.NotNull(cache.Get("c"));
        Assert.NotNull(cache.Get("d"));
        Assert.Equal(3, cache.Count);
    }

    [Fact]
    public void Set_ReplacesAnAnswer_AndCountsOnlyTheNewOne()
    {
        using var cache = new BoundedMemoryCache(1024 * 1024, new FakeTimeProvider());
        cache.Set("k", new byte[500], Hour);
        cache.Set("k", new byte[] { 9 }, Hour);

        Assert.Equal(new byte[] { 9 }, cache.Get("k"));
        Assert.Equal(BoundedMemoryCache.SizeOf("k", new byte[1]), cache.Size);
    }

    [Fact]
    public void AnAnswerLargerThanTheWholeCache_IsNotKept_AndEvictsNothing()
    {
        var small = new byte[10];
        using var cache = new BoundedMemoryCache(2 * BoundedMemoryCache.SizeOf("a", small), new FakeTimeProvider());
        cache.Set("a", small, Hour);

        cache.Set("huge", new byte[4096], Hour);

        Assert.Null(cache.Get("huge"));
        Assert.NotNull(cache.Get("a"));
    }

    [Fact]
    public void SlidingExpiration_IsRenewedByEachRead_UpToTheAbsoluteOne()
    {
        var time = new FakeTimeProvider();
        using var cache = new BoundedMemoryCache(1024 * 1024, time);
        cache.Set("k", new byte[] { 1 }, new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(2), AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) });

        for (var i = 0; i < 4; i++)
        {
            time.Advance(TimeSpan.FromMinutes(1.5)); // 1.5, 3, 4.5 minutes: each read renews the window
            if (i < 3)
            {
                Assert.NotNull(cache.Get("k"));
            }
        }

        // 6 minutes: past the absolute expiration, however recently read.
        Assert.Null(cache.Get("k"));
        Assert.Equal(0, cache.Size);
    }

    [Fact]
    public void ManyThreads_StoringReadingAndRemoving_KeepTheBoundAndTheCount()
    {
        var value = new byte[64];
        var perEntry = BoundedMemoryCache.SizeOf("k0000", value);
        using var cache = new BoundedMemoryCache(500 * perEntry, new FakeTimeProvider());

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, worker =>
        {
            var random = new Random(worker);
            for (var i = 0; i < 20_000; i++)
            {
                var key = $"k{random.Next(2000):D4}";
                switch (random.Next(4))
                {
                    case 0:
                        cache.Remove(key);
                        break;
                    case 1:
                        cache.Get(key);
                        break;
                    default:
                        cache.Set(key, value, Hour);
                        break;
                }
            }
        });

        Assert.InRange(cache.Count, 1, 500);
        Assert.Equal(cache.Count * perEntry, cache.Size);
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
}
