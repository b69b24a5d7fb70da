using Microsoft.Extensions.Caching.Distributed;

namespace Mostlyucid.LlmBackend.Caching;

/// <summary>
/// The in-memory store of the response cache: an <see cref="IDistributedCache"/> bounded by size
/// (<c>Caching:MaxCacheSizeMb</c>) that evicts the least recently used entry, one at a time, as each new one arrives.
/// The bound counts what an entry really holds — its bytes, its key's characters and the store's own objects for it — not
/// only the bytes, as <see cref="MemoryDistributedCache"/> does (cached answers are a few hundred bytes, so counting only
/// those let a "32 MB" cache hold several times that).
/// </summary>
/// <remarks>
/// A <c>MemoryCache</c> with a size limit refuses entries once full and then compacts on the thread pool: it lists and
/// sorts every entry to evict a share of them. On a gateway taking only cache misses that sort, over tens of thousands of
/// entries, ran every few seconds and was its slowest request's latency; here every operation is a dictionary lookup and
/// a few pointer moves under one lock, and a full cache still takes every new answer.
/// </remarks>
internal sealed class BoundedMemoryCache : IDistributedCache, IDisposable
{
    /// <summary>
    /// What the store keeps for an entry besides its bytes and key's characters: the entry object, the dictionary's slot
    /// and the byte array's and key string's headers — under 200 bytes on x64 — counted as 400 to leave room for the
    /// heap's slack between collections.
    /// </summary>
    internal const int EntryOverheadBytes = 400;

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly object _lock = new();
    private readonly long _limit;
    private readonly TimeProvider _time;

    // The recency list: _newest is the most recently stored or read entry, _oldest the next to be evicted.
    private Entry? _newest;
    private Entry? _oldest;
    private long _size;

    /// <summary>Creates a store holding at most <paramref name="sizeLimitBytes"/>, as <see cref="SizeOf"/> counts.</summary>
    /// <param name="sizeLimitBytes">The bound, in bytes.</param>
    /// <param name="time">The clock entries expire on.</param>
    public BoundedMemoryCache(long sizeLimitBytes, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sizeLimitBytes);
        _limit = sizeLimitBytes;
        _time = time;
    }

    /// <summary>Gets how many entries the cache holds (for tests).</summary>
    internal int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Gets what the entries count against the bound, in bytes (for tests).</summary>
    internal long Size
    {
        get
        {
            lock (_lock)
            {
                return _size;
            }
        }
    }

    /// <summary>Gets what an entry of <paramref name="key"/> holding <paramref name="value"/> counts against the bound, in bytes.</summary>
    internal static long SizeOf(string key, byte[] value) => value.Length + (2L * key.Length) + EntryOverheadBytes;

    public byte[]? Get(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = _time.GetUtcNow().UtcTicks;
        lock (_lock)
        {
            return Touch(key, now)?.Value;
        }
    }

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Task.FromResult(Get(key));

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
        var now = _time.GetUtcNow();
        var absolute = Absolute(options, now);
        var sliding = options.SlidingExpiration is { } window
            ? window > TimeSpan.Zero ? window.Ticks : throw new ArgumentOutOfRangeException(nameof(options), window, "The sliding expiration must be positive.")
            : 0;
        var size = SizeOf(key, value);
        lock (_lock)
        {
            if (_entries.Remove(key, out var previous))
            {
                Unlink(previous);
            }

            if (absolute <= now.UtcTicks || size > _limit)
            {
                // Already expired, or larger than the whole cache: nothing to keep (and the older answer is gone too).
                return;
            }

            var entry = new Entry(key, value, size, absolute, sliding);
            entry.ExpiresAt = sliding > 0 ? Math.Min(absolute, now.UtcTicks + sliding) : absolute;
            _entries.Add(key, entry);
            LinkNewest(entry);
            _size += size;
            while (_size > _limit && _oldest is { } oldest)
            {
                _entries.Remove(oldest.Key);
                Unlink(oldest);
            }
        }
    }

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        Set(key, value, options);
        return Task.CompletedTask;
    }

    public void Refresh(string key) => Get(key);

    public Task RefreshAsync(string key, CancellationToken token = default)
    {
        Refresh(key);
        return Task.CompletedTask;
    }

    public void Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            if (_entries.Remove(key, out var entry))
            {
                Unlink(entry);
            }
        }
    }

    public Task RemoveAsync(string key, CancellationToken token = default)
    {
        Remove(key);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _entries.Clear();
            _newest = _oldest = null;
            _size = 0;
        }
    }

    /// <summary>When an entry stored <paramref name="now"/> with <paramref name="options"/> expires for good, in UTC ticks.</summary>
    private static long Absolute(DistributedCacheEntryOptions options, DateTimeOffset now)
    {
        var absolute = long.MaxValue;
        if (options.AbsoluteExpirationRelativeToNow is { } relative)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(relative, TimeSpan.Zero, nameof(options.AbsoluteExpirationRelativeToNow));
            absolute = now.UtcTicks + Math.Min(relative.Ticks, DateTimeOffset.MaxValue.UtcTicks - now.UtcTicks);
        }

        if (options.AbsoluteExpiration is { } at)
        {
            absolute = Math.Min(absolute, at.UtcTicks);
        }

        return absolute;
    }

    /// <summary>Finds a live entry, renewing its sliding window and making it the newest; drops it when it has expired.</summary>
    private Entry? Touch(string key, long now)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return null;
        }

        if (entry.ExpiresAt <= now)
        {
            _entries.Remove(key);
            Unlink(entry);
            return null;
        }

        if (entry.Sliding > 0)
        {
            entry.ExpiresAt = Math.Min(entry.Absolute, now + entry.Sliding);
        }

        if (!ReferenceEquals(entry, _newest))
        {
            Unlink(entry);
            LinkNewest(entry);
            _size += entry.Size;
        }

        return entry;
    }

    private void LinkNewest(Entry entry)
    {
        entry.Older = _newest;
        entry.Newer = null;
        if (_newest is not null)
        {
            _newest.Newer = entry;
        }

        _newest = entry;
        _oldest ??= entry;
    }

    private void Unlink(Entry entry)
    {
        if (entry.Newer is null)
        {
            _newest = entry.Older;
        }
        else
        {
            entry.Newer.Older = entry.Older;
        }

        if (entry.Older is null)
        {
            _oldest = entry.Newer;
        }
        else
        {
            entry.Older.Newer = entry.Newer;
        }

        entry.Newer = entry.Older = null;
        _size -= entry.Size;
    }

    /// <summary>One stored answer, and its place in the recency list.</summary>
    private sealed class Entry(string key, byte[] value, long size, long absolute, long sliding)
    {
        public string Key { get; } = key;

        public byte[] Value { get; } = value;

        public long Size { get; } = size;

        /// <summary>Gets when the entry expires at the latest, in UTC ticks.</summary>
        public long Absolute { get; } = absolute;

        /// <summary>Gets the sliding window in ticks, or 0 for none.</summary>
        public long Sliding { get; } = sliding;

        /// <summary>Gets or sets when the entry expires unless read again, in UTC ticks.</summary>
        public long ExpiresAt { get; set; }

        public Entry? Newer { get; set; }

        public Entry? Older { get; set; }
    }
}
