using System.Buffers;
using System.IO.Hashing;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;

namespace Mostlyucid.LlmBackend.Caching;

/// <summary>
/// The in-memory store of the response cache: an <see cref="IDistributedCache"/> whose answers live in a
/// <see cref="RecordRing"/> of <c>Caching:MaxCacheSizeMb</c> bytes — each answer's bytes, its key and a 48-byte header —
/// found through an index of key hashes. A full store drops its oldest answers to take a new one, but one read since it
/// was stored gets a second chance: it moves to the newest end instead (the "clock" approximation of least recently
/// used), so answers in use stay. A read never drops anything.
/// </summary>
/// <remarks>
/// <para>
/// Why a ring and not an object an answer: on a gateway taking cache misses, every answer stored lives for seconds to
/// minutes — long enough to be promoted to the collector's oldest generation, where it then dies. A store of objects
/// (the previous one: an entry, a key string and a byte array per answer, in a least-recently-used list) made the
/// collector trace tens of thousands of them and left its oldest generation fragmented: side by side, a "32 MB" cache
/// took ~48 MB and most of the gateway's slowest requests were collections. Here the collector sees the ring's segments
/// and the index's two arrays, which hold no references, whatever the store holds; the bytes given to
/// <see cref="Set"/> die young, and <see cref="Get"/> returns a copy.
/// </para>
/// <para>
/// A key is found by its 64-bit XxHash3 and then compared byte for byte with the key stored beside the answer, so two
/// keys with the same hash never share an answer: the later one takes the index's slot and the earlier one is a miss.
/// Every operation is one lookup and a copy under one lock; nothing runs in the background.
/// </para>
/// </remarks>
internal sealed class BoundedMemoryCache : IDistributedCache, IDisposable
{
    private const int StackKeyBytes = 256;

    /// <summary>The hash's seed, new in each process, so which keys share an index slot cannot be worked out from outside.</summary>
    private static readonly long Seed = Random.Shared.NextInt64();

    private readonly Dictionary<ulong, long> _index = [];
    private readonly RecordRing _ring;
    private readonly KeyHasher _hash;
    private readonly object _lock = new();
    private readonly TimeProvider _time;
    private long _liveBytes;

    /// <summary>Creates a store of <paramref name="sizeLimitBytes"/> bytes of answers, keys and headers.</summary>
    /// <param name="sizeLimitBytes">The bound, in bytes.</param>
    /// <param name="time">The clock entries expire on.</param>
    public BoundedMemoryCache(long sizeLimitBytes, TimeProvider time)
        : this(sizeLimitBytes, time, static key => XxHash3.HashToUInt64(key, Seed), RecordRing.MaxSegmentBytes)
    {
    }

    /// <summary>Creates a store with another key hash (tests make keys collide) and segment size.</summary>
    internal BoundedMemoryCache(long sizeLimitBytes, TimeProvider time, KeyHasher hash, int maxSegmentBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sizeLimitBytes, RecordHeader.Size);
        _ring = new RecordRing(sizeLimitBytes, maxSegmentBytes);
        _hash = hash;
        _time = time;
    }

    /// <summary>Hashes a key's UTF-8 bytes.</summary>
    internal delegate ulong KeyHasher(ReadOnlySpan<byte> key);

    /// <summary>Gets how many answers the store holds (for tests).</summary>
    internal int Count
    {
        get
        {
            lock (_lock)
            {
                return _index.Count;
            }
        }
    }

    /// <summary>Gets the bytes the live answers take in the ring, <see cref="SizeOf"/> each (for tests).</summary>
    internal long Size
    {
        get
        {
            lock (_lock)
            {
                return _liveBytes;
            }
        }
    }

    /// <summary>Gets the bytes in use in the ring: live answers, dropped ones not yet reclaimed and padding (for tests).</summary>
    internal long Used
    {
        get
        {
            lock (_lock)
            {
                return _ring.Used;
            }
        }
    }

    /// <summary>Gets the ring's size: the most the answers take, however many there are.</summary>
    internal long Capacity => _ring.Capacity;

    /// <summary>Gets what an answer of <paramref name="key"/> holding <paramref name="value"/> takes in the ring, in bytes.</summary>
    internal static long SizeOf(string key, byte[] value) => RecordRing.RecordSize(Encoding.UTF8.GetByteCount(key), value.Length);

    public byte[]? Get(string key) => Read(key, copy: true);

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
        var header = new RecordHeader
        {
            Absolute = absolute,
            Sliding = sliding,
            ExpiresAt = sliding > 0 ? Math.Min(absolute, now.UtcTicks + sliding) : absolute,
        };

        using var encoded = new EncodedKey(key, stackalloc byte[StackKeyBytes]);
        var hash = _hash(encoded.Bytes);
        lock (_lock)
        {
            // The slot is this key's from now on, whichever key held it: the older answer is gone even if the new one
            // is not kept.
            Forget(hash);
            if (header.ExpiresAt > now.UtcTicks)
            {
                Store(encoded.Bytes, hash, value, header);
            }
        }
    }

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        Set(key, value, options);
        return Task.CompletedTask;
    }

    public void Refresh(string key) => Read(key, copy: false);

    public Task RefreshAsync(string key, CancellationToken token = default)
    {
        Refresh(key);
        return Task.CompletedTask;
    }

    public void Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        using var encoded = new EncodedKey(key, stackalloc byte[StackKeyBytes]);
        var hash = _hash(encoded.Bytes);
        lock (_lock)
        {
            if (Find(encoded.Bytes, hash) >= 0)
            {
                Forget(hash);
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
            _index.Clear();
            _ring.Clear();
            _liveBytes = 0;
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

    /// <summary>
    /// Finds a live answer, renews its sliding window and marks it read (its second chance); returns a copy of its bytes
    /// when asked (the ring's bytes are reused once the answer is dropped).
    /// </summary>
    private byte[]? Read(string key, bool copy)
    {
        ArgumentNullException.ThrowIfNull(key);
        using var encoded = new EncodedKey(key, stackalloc byte[StackKeyBytes]);
        var hash = _hash(encoded.Bytes);
        var now = _time.GetUtcNow().UtcTicks;
        lock (_lock)
        {
            var position = Find(encoded.Bytes, hash);
            if (position < 0)
            {
                return null;
            }

            ref var stored = ref _ring.HeaderAt(position);
            if (stored.ExpiresAt <= now)
            {
                Forget(hash);
                return null;
            }

            if (stored.Sliding > 0)
            {
                stored.ExpiresAt = Math.Min(stored.Absolute, now + stored.Sliding);
            }

            stored.Flags |= RecordHeader.ReadSinceStored;
            return copy ? _ring.ValueAt(position).ToArray() : null;
        }
    }

    /// <summary>Where the live answer of this key is in the ring, or -1 (none, or another key with the same hash).</summary>
    private long Find(ReadOnlySpan<byte> key, ulong hash) =>
        _index.TryGetValue(hash, out var position) && _ring.KeyAt(position).SequenceEqual(key) ? position : -1;

    /// <summary>Takes the answer in <paramref name="hash"/>'s slot out of the index; its bytes are reclaimed when the ring's head passes them.</summary>
    private void Forget(ulong hash)
    {
        if (_index.Remove(hash, out var position))
        {
            _liveBytes -= _ring.LengthAt(position);
        }
    }

    /// <summary>Appends an answer, dropping the oldest ones until it fits; an answer larger than a segment is not kept.</summary>
    private void Store(ReadOnlySpan<byte> key, ulong hash, ReadOnlySpan<byte> value, RecordHeader header)
    {
        var size = RecordRing.RecordSize(key.Length, value.Length);
        if (size > _ring.SegmentBytes)
        {
            return;
        }

        while (!_ring.Fits(size))
        {
            DropOldest();
        }

        header.KeyHash = hash;
        Append(key, value, header);
    }

    /// <summary>Appends a record the ring has room for and points its key's slot at it.</summary>
    private void Append(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, RecordHeader header)
    {
        var position = _ring.Append(key, value, header);
        _index[header.KeyHash] = position;
        _liveBytes += _ring.LengthAt(position);
    }

    /// <summary>
    /// Passes the ring's oldest record. A live answer read since it was stored (or last moved) gets a second chance: it
    /// moves to the newest end, unmarked, instead of being dropped; any other is taken out of the index and dropped.
    /// </summary>
    private void DropOldest()
    {
        var oldest = _ring.Oldest;
        if (_ring.IsPaddingAt(oldest))
        {
            _ring.DropOldest();
            return;
        }

        var header = _ring.HeaderAt(oldest);
        if (!_index.TryGetValue(header.KeyHash, out var position) || position != oldest)
        {
            _ring.DropOldest(); // removed, replaced or moved already
            return;
        }

        if ((header.Flags & RecordHeader.ReadSinceStored) == 0)
        {
            Forget(header.KeyHash);
            _ring.DropOldest();
            return;
        }

        // The record's own bytes may be where it is written again, so it goes through a copy.
        var key = _ring.KeyAt(oldest);
        var value = _ring.ValueAt(oldest);
        var copy = ArrayPool<byte>.Shared.Rent(key.Length + value.Length);
        key.CopyTo(copy);
        value.CopyTo(copy.AsSpan(key.Length));
        Forget(header.KeyHash);
        _ring.DropOldest();
        header.Flags &= ~RecordHeader.ReadSinceStored;
        if (_ring.Fits(header.RecordLength))
        {
            // Else the room freed lies across a segment's end: the answer is dropped after all.
            Append(copy.AsSpan(0, header.KeyLength), copy.AsSpan(header.KeyLength, header.ValueLength), header);
        }

        ArrayPool<byte>.Shared.Return(copy);
    }

    /// <summary>A key's UTF-8 bytes, in the caller's stack buffer when they fit, else in a pooled array returned on dispose.</summary>
    private readonly ref struct EncodedKey
    {
        private readonly byte[]? _rented;

        public EncodedKey(string key, Span<byte> buffer)
        {
            if (Encoding.UTF8.GetMaxByteCount(key.Length) > buffer.Length && Encoding.UTF8.GetByteCount(key) is var length && length > buffer.Length)
            {
                buffer = _rented = ArrayPool<byte>.Shared.Rent(length);
            }

            Bytes = buffer[..Encoding.UTF8.GetBytes(key, buffer)];
        }

        public ReadOnlySpan<byte> Bytes { get; }

        public void Dispose()
        {
            if (_rented is not null)
            {
                ArrayPool<byte>.Shared.Return(_rented);
            }
        }
    }
}
