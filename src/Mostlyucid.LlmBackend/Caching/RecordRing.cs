using System.Runtime.InteropServices;

namespace Mostlyucid.LlmBackend.Caching;

/// <summary>
/// The memory cache's storage: a ring of byte segments that records (a header, a key, a value) are appended to at the
/// tail and dropped from at the head, oldest first. The records live inside a few large arrays, so however many answers
/// the cache holds the garbage collector sees only those arrays: a stored answer is never an object of its own that lives
/// long enough to be promoted and then dies in the oldest generation.
/// </summary>
/// <remarks>
/// A record never crosses a segment's end: when the tail's segment has too little room left, that room becomes padding
/// (its length and <see cref="RecordHeader.PaddingKey"/>) and the record starts the next segment. Segments are allocated
/// when the tail first reaches them, uncleared, so a cache that is rarely used does not take its whole bound. Not thread
/// safe: the cache calls it under its lock.
/// </remarks>
internal sealed class RecordRing
{
    /// <summary>The largest segment, and so the largest record, in bytes (64 MB).</summary>
    internal const int MaxSegmentBytes = 64 * 1024 * 1024;

    private const int Alignment = 8;

    private readonly byte[]?[] _segments;
    private long _head;
    private long _tail;

    /// <summary>Creates a ring holding at most <paramref name="capacityBytes"/> bytes of records (rounded down to 8 a segment).</summary>
    /// <param name="capacityBytes">The ring's size in bytes: at least one record's header.</param>
    /// <param name="maxSegmentBytes">The largest segment (tests use small ones).</param>
    public RecordRing(long capacityBytes, int maxSegmentBytes = MaxSegmentBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityBytes, RecordHeader.Size);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSegmentBytes, RecordHeader.Size);
        var segments = (int)((capacityBytes + maxSegmentBytes - 1) / maxSegmentBytes);
        SegmentBytes = (int)(capacityBytes / segments) & ~(Alignment - 1);
        _segments = new byte[]?[segments];
        Capacity = (long)SegmentBytes * segments;
    }

    /// <summary>Gets the ring's size in bytes: what its segments take once all are allocated.</summary>
    public long Capacity { get; }

    /// <summary>Gets a segment's size in bytes: the largest record the ring can hold.</summary>
    public int SegmentBytes { get; }

    /// <summary>Gets the bytes between the head and the tail: live records, dropped ones not yet passed, and padding.</summary>
    public long Used { get; private set; }

    /// <summary>Gets where the oldest record starts; meaningless when <see cref="Used"/> is 0.</summary>
    public long Oldest => _head;

    /// <summary>Gets the bytes a record of a <paramref name="keyBytes"/>-byte key and a <paramref name="valueBytes"/>-byte value takes.</summary>
    public static long RecordSize(int keyBytes, long valueBytes) => (RecordHeader.Size + keyBytes + valueBytes + Alignment - 1) & ~(long)(Alignment - 1);

    /// <summary>Whether a record of <paramref name="size"/> bytes can be appended without dropping the oldest first.</summary>
    public bool Fits(long size) => Capacity - Used >= size + PaddingBefore(size);

    /// <summary>Gets the whole length of the record or padding at <paramref name="position"/>, in bytes.</summary>
    public int LengthAt(long position) => MemoryMarshal.Read<int>(Segment(position).AsSpan(Offset(position), sizeof(int)));

    /// <summary>Gets whether <paramref name="position"/> holds padding rather than a record.</summary>
    public bool IsPaddingAt(long position) => MemoryMarshal.Read<int>(Segment(position).AsSpan(Offset(position) + sizeof(int), sizeof(int))) == RecordHeader.PaddingKey;

    /// <summary>Gets the header of the (not padding) record at <paramref name="position"/>, to read or to update in place.</summary>
    public ref RecordHeader HeaderAt(long position) =>
        ref MemoryMarshal.AsRef<RecordHeader>(Segment(position).AsSpan(Offset(position), RecordHeader.Size));

    /// <summary>Gets the key bytes of the (not padding) record at <paramref name="position"/>.</summary>
    public ReadOnlySpan<byte> KeyAt(long position) =>
        Segment(position).AsSpan(Offset(position) + RecordHeader.Size, HeaderAt(position).KeyLength);

    /// <summary>Gets the value bytes of the (not padding) record at <paramref name="position"/>.</summary>
    public ReadOnlySpan<byte> ValueAt(long position)
    {
        ref var header = ref HeaderAt(position);
        return Segment(position).AsSpan(Offset(position) + RecordHeader.Size + header.KeyLength, header.ValueLength);
    }

    /// <summary>Passes the oldest record (or padding), freeing its bytes. The caller forgets it first.</summary>
    public void DropOldest()
    {
        if (Used == 0)
        {
            throw new InvalidOperationException("The ring is empty.");
        }

        var length = LengthAt(_head);
        _head = Advance(_head, length);
        Used -= length;
        if (Used == 0)
        {
            // Empty: start again at the first segment, so a record of a whole segment fits however far the tail had got.
            _head = _tail = 0;
        }
    }

    /// <summary>
    /// Appends a record at the tail and returns its position; the caller has made room (<see cref="Fits"/>). When the
    /// record would cross the segment's end, the rest of the segment becomes padding first.
    /// </summary>
    public long Append(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, RecordHeader header)
    {
        var size = RecordSize(key.Length, value.Length);
        var padding = PaddingBefore(size);
        if (Capacity - Used < size + padding)
        {
            throw new InvalidOperationException("No room in the ring: drop the oldest records first.");
        }

        if (padding > 0)
        {
            // Padding is at least 8 bytes (everything is 8-aligned) but may be shorter than a header: only its length and
            // the padding mark are written.
            var rest = Segment(_tail, allocate: true).AsSpan(Offset(_tail), 2 * sizeof(int));
            MemoryMarshal.Write(rest, (int)padding);
            MemoryMarshal.Write(rest[sizeof(int)..], RecordHeader.PaddingKey);
            _tail = Advance(_tail, (int)padding);
            Used += padding;
        }

        var position = _tail;
        var target = Segment(position, allocate: true).AsSpan(Offset(position), (int)size);
        header.RecordLength = (int)size;
        header.KeyLength = key.Length;
        header.ValueLength = value.Length;
        MemoryMarshal.AsRef<RecordHeader>(target) = header;
        key.CopyTo(target[RecordHeader.Size..]);
        value.CopyTo(target[(RecordHeader.Size + key.Length)..]);
        _tail = Advance(position, (int)size);
        Used += size;
        return position;
    }

    /// <summary>Releases the segments; the ring is empty afterwards.</summary>
    public void Clear()
    {
        Array.Clear(_segments);
        _head = _tail = 0;
        Used = 0;
    }

    /// <summary>How much padding a record of <paramref name="size"/> bytes needs before it at the tail: the rest of the segment when it would not fit there.</summary>
    private long PaddingBefore(long size)
    {
        var room = SegmentBytes - Offset(_tail);
        return room < size ? room : 0;
    }

    private int Offset(long position) => (int)(position % SegmentBytes);

    private long Advance(long position, int length)
    {
        var next = position + length;
        return next == Capacity ? 0 : next;
    }

    private byte[] Segment(long position, bool allocate = false)
    {
        var index = (int)(position / SegmentBytes);
        return _segments[index] ?? (allocate
            ? _segments[index] = GC.AllocateUninitializedArray<byte>(SegmentBytes)
            : throw new InvalidOperationException("The ring holds no record there."));
    }
}

/// <summary>The fixed part of a record in a <see cref="RecordRing"/>, stored as it is in the ring's bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RecordHeader
{
    /// <summary>The header's size in bytes.</summary>
    public const int Size = 48;

    /// <summary>The <see cref="Flags"/> bit of a record read since it was stored or last moved.</summary>
    public const int ReadSinceStored = 1;

    /// <summary>The <see cref="KeyLength"/> that marks padding at a segment's end rather than a record.</summary>
    public const int PaddingKey = -1;

    /// <summary>The record's whole length in bytes, header and alignment included.</summary>
    public int RecordLength;

    /// <summary>The key's length in bytes (UTF-8), or <see cref="PaddingKey"/>.</summary>
    public int KeyLength;

    /// <summary>The value's length in bytes.</summary>
    public int ValueLength;

    /// <summary>The record's marks for its owner (the cache's <see cref="ReadSinceStored"/>).</summary>
    public int Flags;

    /// <summary>The key's hash, so a dropped record can be found in the cache's index without hashing its key again.</summary>
    public ulong KeyHash;

    /// <summary>When the record expires at the latest, in UTC ticks.</summary>
    public long Absolute;

    /// <summary>The sliding window in ticks, or 0 for none.</summary>
    public long Sliding;

    /// <summary>When the record expires unless read again, in UTC ticks.</summary>
    public long ExpiresAt;

}
