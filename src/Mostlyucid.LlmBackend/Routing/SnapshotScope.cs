namespace Mostlyucid.LlmBackend.Routing;

/// <summary>
/// A request's hold on the configuration it began with (<see cref="BackendRegistry.Enter"/>): the snapshot is pinned for
/// the flow — the registry answers from it — and leased, so a reload does not dispose its backends, until disposed.
/// The default value holds nothing.
/// </summary>
internal readonly struct SnapshotScope : IDisposable
{
    private readonly AsyncLocal<RegistrySnapshot?>? _pin;
    private readonly RegistrySnapshot? _previous;

    /// <summary>Pins an already leased snapshot.</summary>
    /// <param name="pin">The flow's pinned snapshot.</param>
    /// <param name="snapshot">The snapshot, whose lease this scope gives back.</param>
    public SnapshotScope(AsyncLocal<RegistrySnapshot?> pin, RegistrySnapshot snapshot)
    {
        _pin = pin;
        _previous = pin.Value;
        Snapshot = snapshot;
        pin.Value = snapshot;
    }

    /// <summary>Gets the snapshot held; <see langword="null"/> when the scope holds nothing (the flow had entered already).</summary>
    public RegistrySnapshot? Snapshot { get; }

    /// <summary>Unpins the snapshot (the flow reads the current one again) and gives its lease back.</summary>
    public void Dispose()
    {
        if (_pin is null)
        {
            return;
        }

        _pin.Value = _previous;
        Snapshot!.Release();
    }
}
