using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Mostlyucid.LlmBackend.Caching;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Caching;

/// <summary>
/// The memory store keeps its answers in a ring of its bound's size: the bound counts what an answer takes (bytes, key,
/// header), a full store takes every new answer, and whatever wraps around, a key reads back its own latest answer or nothing.
/// </summary>
public sealed class BoundedMemoryCacheTests
{
    private static readonly DistributedCacheEntryOptions Hour = new() { AbsoluteExpirationRelativeToNow = TimeSpan.FromHours(1) };

    [Fact]
    public void Set_SmallAnswers_CountTheirKeyAndHeaderAgainstTheBound_AndFillTheStore()
    {
        const long limit = 1024 * 1024;
        using var cache = new BoundedMemoryCache(limit, new FakeTimeProvider());
        var value = new byte[200];
        for (var i = 0; i < 20_000; i++)
        {
            cache.Set($"llmb:cache:{i:D64}", value, Hour);
        }

        var perEntry = BoundedMemoryCache.SizeOf($"llmb:cache:{0:D64}", value);
        Assert.True(perEntry >= value.Length + 75 + RecordHeader.Size);
        Assert.True(cache.Capacity <= limit);
        Assert.True(cache.Used <= cache.Capacity);
        Assert.Equal(cache.Count * perEntry, cache.Size);

        // Full: all of the ring but the padding at its end (less than one answer) and one answer's worth being passed.
        Assert.InRange(cache.Count, (limit / perEntry) - 2, limit / perEntry);

        // A full store still takes the newest answer, at once, and has dropped the oldest.
        Assert.NotNull(cache.Get($"llmb:cache:{19_999:D64}"));
        Assert.Null(cache.Get($"llmb:cache:{0:D64}"));
    }

    [Fact]
    public void AFullStore_DropsTheOldestAnswer_ButAnAnswerReadWhileOldMovesToTheNewestEnd()
    {
        var value = new byte[100];
        using var cache = new BoundedMemoryCache(3 * BoundedMemoryCache.SizeOf("a", value), new FakeTimeProvider());
        cache.Set("a", value, Hour);
        cache.Set("b", value, Hour);
        cache.Set("c", value, Hour);
        Assert.NotNull(cache.Get("a")); // a was the oldest; read, it becomes the newest and b the oldest

        cache.Set("d", value, Hour);

        Assert.Null(cache.Get("b"));
        Assert.NotNull(cache.Get("a"));
        Assert.NotNull(cache.Get("c"));
        Assert.NotNull(cache.Get("d"));
        Assert.Equal(3, cache.Count);
    }

    [Fact]
    public void AnAnswerReadAgainAndAgain_StaysWhileTheStoreTurnsOverManyTimes()
    {
        var value = new byte[100];
        using var cache = new BoundedMemoryCache(10 * BoundedMemoryCache.SizeOf("k000", value), new FakeTimeProvider());
        cache.Set("hot", value, Hour);
        for (var i = 0; i < 1_000; i++)
        {
            cache.Set($"k{i:D3}", value, Hour);
            Assert.NotNull(cache.Get("hot"));
        }

        Assert.Null(cache.Get("k000"));
    }

    [Fact]
    public void Set_ReplacesAnAnswer_AndCountsOnlyTheNewOne()
    {
        using var cache = new BoundedMemoryCache(1024 * 1024, new FakeTimeProvider());
        cache.Set("k", new byte[500], Hour);
        cache.Set("k", new byte[] { 9 }, Hour);

        Assert.Equal(new byte[] { 9 }, cache.Get("k"));
        Assert.Equal(1, cache.Count);
        Assert.Equal(BoundedMemoryCache.SizeOf("k", new byte[1]), cache.Size);
    }

    [Fact]
    public void AnAnswerLargerThanTheWholeStore_IsNotKept_AndDropsNothingElse()
    {
        var small = new byte[10];
        using var cache = new BoundedMemoryCache(2 * BoundedMemoryCache.SizeOf("a", small), new FakeTimeProvider());
        cache.Set("a", small, Hour);

        cache.Set("huge", new byte[4096], Hour);

        Assert.Null(cache.Get("huge"));
        Assert.NotNull(cache.Get("a"));
    }

    [Fact]
    public void AnAnswerOfAWholeSegment_IsKept_WhereverTheRingHadGotTo()
    {
        var small = new byte[30];
        var whole = new byte[1024 - RecordHeader.Size - 1];
        using var cache = new BoundedMemoryCache(1024, new FakeTimeProvider(), static key => (ulong)key.Length, maxSegmentBytes: 1024);
        for (var i = 0; i < 7; i++)
        {
            cache.Set(new string('s', i + 2), small, Hour); // the tail ends part-way into the one segment
        }

        cache.Set("w", whole, Hour);

        Assert.Equal(whole, cache.Get("w"));
        Assert.Equal(1, cache.Count);
        Assert.Equal(cache.Capacity, cache.Used);
    }

    [Fact]
    public void KeysWithTheSameHash_NeverShareAnAnswer()
    {
        using var cache = new BoundedMemoryCache(1024 * 1024, new FakeTimeProvider(), static _ => 42, RecordRing.MaxSegmentBytes);
        cache.Set("first", "1"u8.ToArray(), Hour);
        cache.Set("second", "2"u8.ToArray(), Hour);

        Assert.Null(cache.Get("first"));
        Assert.Equal("2"u8.ToArray(), cache.Get("second"));

        cache.Remove("first"); // not the key in the slot: nothing happens
        Assert.Equal("2"u8.ToArray(), cache.Get("second"));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void AcrossManyWrapsOfSmallSegments_AKeyReadsBackItsLatestAnswerOrNothing()
    {
        var random = new Random(7);
        var latest = new Dictionary<string, byte[]?>();
        using var cache = new BoundedMemoryCache(10_000, new FakeTimeProvider(), static key => (ulong)key[^1] % 13, maxSegmentBytes: 1_000);
        for (var i = 0; i < 50_000; i++)
        {
            var key = $"key-{random.Next(40)}";
            switch (random.Next(5))
            {
                case 0:
                    cache.Remove(key);
                    latest[key] = null;
                    break;
                case 1:
                case 2:
                    var read = cache.Get(key);
                    if (read is not null)
                    {
                        Assert.Equal(latest[key], read);
                    }

                    break;
                default:
                    var value = new byte[random.Next(0, 900)];
                    random.NextBytes(value);
                    cache.Set(key, value, Hour);
                    latest[key] = value;
                    break;
            }

            Assert.True(cache.Used <= cache.Capacity);
            Assert.True(cache.Size <= cache.Used);
        }
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
    public void ManyThreads_StoringReadingAndRemoving_KeepTheBound_AndReadOnlyTheirOwnKeysAnswers()
    {
        var perEntry = BoundedMemoryCache.SizeOf("k0000", Encoding.UTF8.GetBytes("k0000"));
        using var cache = new BoundedMemoryCache(500 * perEntry, new FakeTimeProvider());
        var wrong = 0;

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
                        if (cache.Get(key) is { } read && Encoding.UTF8.GetString(read) != key)
                        {
                            Interlocked.Increment(ref wrong);
                        }

                        break;
                    default:
                        cache.Set(key, Encoding.UTF8.GetBytes(key), Hour);
                        break;
                }
            }
        });

        Assert.Equal(0, wrong);
        Assert.InRange(cache.Count, 1, 500);
        Assert.Equal(cache.Count * perEntry, cache.Size);
        Assert.True(cache.Used <= cache.Capacity);
    }

    [Fact]
    public void Set_InAFullStore_MakesNoObjectOfItsOwn()
    {
        // The point of the ring: an answer kept is not an object the collector has to trace and promote.
        var value = new byte[300];
        using var cache = new BoundedMemoryCache(64 * 1024, new FakeTimeProvider());
        var keys = Enumerable.Range(0, 2_000).Select(i => $"llmb:cache:chat:{i:D64}").ToArray();
        foreach (var key in keys)
        {
            cache.Set(key, value, Hour); // fills the store and grows its index to size
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var key in keys)
        {
            cache.Set(key, value, Hour);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
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
    public void Get_ReturnsACopy_ThatTheStoreNeverWritesOver()
    {
        using var cache = new BoundedMemoryCache(4 * BoundedMemoryCache.SizeOf("k0", new byte[64]), new FakeTimeProvider());
        cache.Set("k0", Enumerable.Repeat((byte)7, 64).ToArray(), Hour);
        var read = cache.Get("k0")!;

        for (var i = 1; i < 20; i++)
        {
            cache.Set($"k{i}", new byte[64], Hour); // the ring wraps over k0's bytes
        }

        Assert.All(read, b => Assert.Equal(7, b));
    }

    [Fact]
    public async Task Remove_ForgetsAnAnswer()
    {
        using var cache = new BoundedMemoryCache(1024 * 1024, new FakeTimeProvider());
        await cache.SetAsync("k", new byte[] { 7 }, Hour);
        await cache.RemoveAsync("k");
        Assert.Null(await cache.GetAsync("k"));
        Assert.Equal(0, cache.Count);
    }
}
