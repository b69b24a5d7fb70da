using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;

namespace Mostlyucid.LlmBackend.Caching;

/// <summary>
/// The in-memory store of the response cache: an <see cref="IDistributedCache"/> over a <see cref="MemoryCache"/> whose
/// size bound (<c>Caching:MaxCacheSizeMb</c>) counts what an entry really holds — its bytes, its key's characters and the
/// cache's own objects for it — not only the bytes, as <see cref="MemoryDistributedCache"/> does. Cached answers are
/// small (a few hundred bytes), so counting only their bytes let a "32 MB" cache hold several times that.
/// </summary>
internal sealed class BoundedMemoryCache : IDistributedCache, IDisposable
{
    /// <summary>
    /// What the cache keeps for an entry besides its bytes and key's characters: the entry object, the dictionary's node and
    /// the byte array's and key string's headers — about 200-250 bytes on x64 — counted as 400 to leave room for the
    /// heap's slack between collections.
    /// </summary>
    internal const int EntryOverheadBytes = 400;

    private readonly MemoryCache _cache;

    public BoundedMemoryCache(long sizeLimitBytes, TimeProvider time)
    {
        _cache = new MemoryCache(new MemoryCacheOptions
        {
            SizeLimit = sizeLimitBytes,
            Clock = new SystemClockAdapter(time),
            // A full cache compacts on the thread pool: it lists and sorts every entry, then evicts the least recently
            // used CompactionPercentage of the bound. At the default 5% a full cache taking only misses compacted several
            // times a second; a quarter at a time makes that five times rarer.
            CompactionPercentage = 0.25,
        });
    }

    /// <summary>Gets what an entry of <paramref name="key"/> holding <paramref name="value"/> counts against the bound, in bytes.</summary>
    internal static long SizeOf(string key, byte[] value) => value.Length + (2L * key.Length) + EntryOverheadBytes;

    public byte[]? Get(string key) => _cache.Get<byte[]>(key);

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Task.FromResult(Get(key));

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
        using var entry = _cache.CreateEntry(key);
        entry.Value = value;
        entry.Size = SizeOf(key, value);
        entry.AbsoluteExpiration = options.AbsoluteExpiration;
        entry.AbsoluteExpirationRelativeToNow = options.AbsoluteExpirationRelativeToNow;
        entry.SlidingExpiration = options.SlidingExpiration;
    }

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        Set(key, value, options);
        return Task.CompletedTask;
    }

    public void Refresh(string key) => _cache.TryGetValue(key, out _);

    public Task RefreshAsync(string key, CancellationToken token = default)
    {
        Refresh(key);
        return Task.CompletedTask;
    }

    public void Remove(string key) => _cache.Remove(key);

    public Task RemoveAsync(string key, CancellationToken token = default)
    {
        Remove(key);
        return Task.CompletedTask;
    }

    /// <summary>Gets how many entries the cache holds (for tests).</summary>
    internal int Count => _cache.Count;

    public void Dispose() => _cache.Dispose();

#pragma warning disable CS0618 // MemoryCacheOptions.Clock still takes the older ISystemClock; it reads the TimeProvider.
    private sealed class SystemClockAdapter(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
#pragma warning restore CS0618
}
