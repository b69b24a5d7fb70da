namespace Mostlyucid.LlmBackend.Gateway.Dashboard.Journal;

/// <summary>
/// The last requests the gateway answered, in a bounded ring: adding one is an interlocked increment and one slot
/// write (no lock), so the request path never waits for readers; the oldest entry is overwritten.
/// </summary>
internal sealed class RequestJournal
{
    private readonly JournalEntry?[] _slots;
    private long _next;

    /// <summary>Initializes a new instance of the <see cref="RequestJournal"/> class.</summary>
    /// <param name="capacity">How many requests to keep.</param>
    public RequestJournal(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _slots = new JournalEntry?[capacity];
    }

    /// <summary>Gets how many requests the journal keeps.</summary>
    public int Capacity => _slots.Length;

    /// <summary>Gets how many requests were ever added.</summary>
    public long Total => Interlocked.Read(ref _next);

    /// <summary>Adds a request, overwriting the oldest when full.</summary>
    /// <param name="entry">The request.</param>
    public void Add(JournalEntry entry)
    {
        var index = Interlocked.Increment(ref _next) - 1;
        Volatile.Write(ref _slots[(int)(index % _slots.Length)], entry);
    }

    /// <summary>Gets the requests kept, newest first, that <paramref name="match"/> accepts, at most <paramref name="limit"/>.</summary>
    /// <param name="match">The filter.</param>
    /// <param name="limit">The most to return.</param>
    /// <returns>The requests.</returns>
    public List<JournalEntry> Newest(Func<JournalEntry, bool> match, int limit)
    {
        var found = new List<JournalEntry>(Math.Min(limit, 256));
        var end = Interlocked.Read(ref _next);
        var start = Math.Max(0, end - _slots.Length);
        for (var i = end - 1; i >= start && found.Count < limit; i--)
        {
            if (Volatile.Read(ref _slots[(int)(i % _slots.Length)]) is { } entry && match(entry))
            {
                found.Add(entry);
            }
        }

        return found;
    }

    /// <summary>Finds a kept request by its id (the newest, should a client have reused an id).</summary>
    /// <param name="requestId">The request id.</param>
    /// <returns>The request, or <see langword="null"/> when it is not (or no longer) kept.</returns>
    public JournalEntry? Find(string requestId) =>
        Newest(e => string.Equals(e.RequestId, requestId, StringComparison.Ordinal), 1) is [var entry] ? entry : null;
}
