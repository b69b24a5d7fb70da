using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Routing;

/// <summary>
/// One validated configuration as the library runs it: the settings, the backends made from them and the ones ready now.
/// The registry swaps it whole when the configuration is reloaded; a request reads it once, when it begins, and works on
/// it to the end (<see cref="BackendRegistry.Enter"/>), so a reload never changes a request's routes, backends or limits
/// half way. Requests hold a lease on it; once it has been replaced and the last lease is given back, the backends that
/// the new configuration no longer uses are disposed.
/// </summary>
internal sealed class RegistrySnapshot
{
    private const int RetiredFlag = 1 << 30;
    private int _leases;
    private int _drained;
    private Action? _whenDrained;
    private volatile BackendEntry[] _ready;

    public RegistrySnapshot(LlmSettings settings, BackendEntry[] entries, long version, bool initialized)
    {
        Settings = settings;
        Entries = entries;
        Version = version;
        Initialized = initialized;
        _ready = ReadyOf(entries);
    }

    /// <summary>Gets the validated settings.</summary>
    public LlmSettings Settings { get; }

    /// <summary>Gets every configured backend, in configuration order (empty until <see cref="Initialized"/>).</summary>
    public BackendEntry[] Entries { get; }

    /// <summary>Gets the backends that can be routed to now; rebuilt when a plugin's loading or unloading changes a backend's state.</summary>
    public BackendEntry[] Ready => _ready;

    /// <summary>Gets the configuration's number: 1 at startup, one more for each reload that was swapped in.</summary>
    public long Version { get; }

    /// <summary>Gets whether the backends have been created (phase two); before that only the settings are known.</summary>
    public bool Initialized { get; }

    /// <summary>Rebuilds <see cref="Ready"/> from the entries' states.</summary>
    public void RebuildReady() => _ready = ReadyOf(Entries);

    /// <summary>Takes a lease for a request; fails once the snapshot has been replaced and drained.</summary>
    /// <returns><see langword="true"/> when the lease was taken (give it back with <see cref="Release"/>).</returns>
    public bool TryAcquire()
    {
        var leases = Interlocked.Increment(ref _leases);
        if ((leases & RetiredFlag) == 0)
        {
            return true;
        }

        // Replaced: a request must start on the current snapshot instead.
        Release();
        return false;
    }

    /// <summary>Gives a lease back; the last one given back after <see cref="Retire"/> runs what waits for the drain.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _leases) == RetiredFlag)
        {
            Drain();
        }
    }

    /// <summary>
    /// Marks the snapshot replaced: no request starts on it any more, and once those on it have finished,
    /// <paramref name="whenDrained"/> runs (it disposes the backends the new configuration does not use).
    /// </summary>
    public void Retire(Action whenDrained)
    {
        _whenDrained = whenDrained;
        if (Interlocked.Add(ref _leases, RetiredFlag) == RetiredFlag)
        {
            Drain();
        }
    }

    private void Drain()
    {
        if (Interlocked.Exchange(ref _drained, 1) != 0)
        {
            return;
        }

        _whenDrained?.Invoke();
    }

    private static BackendEntry[] ReadyOf(BackendEntry[] entries)
    {
        var count = 0;
        foreach (var entry in entries)
        {
            if (entry.State.Status == BackendStatus.Ready)
            {
                count++;
            }
        }

        var ready = new BackendEntry[count];
        var next = 0;
        foreach (var entry in entries)
        {
            if (entry.State.Status == BackendStatus.Ready && next < ready.Length)
            {
                ready[next++] = entry;
            }
        }

        return next == ready.Length ? ready : ready[..next];
    }
}
