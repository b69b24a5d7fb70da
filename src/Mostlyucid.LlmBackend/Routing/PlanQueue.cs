namespace Mostlyucid.LlmBackend.Routing;

/// <summary>
/// The backends of a plan still to be tried, taken in order — once a prompt was too long for one, only those whose window
/// is larger or unknown (never one known to be as small).
/// </summary>
internal sealed class PlanQueue
{
    private readonly Queue<BackendEntry> _remaining;
    private readonly ContextWindows _windows;

    public PlanQueue(IEnumerable<BackendEntry> backends, ContextWindows? windows = null)
    {
        _remaining = new Queue<BackendEntry>(backends);
        _windows = windows ?? ContextWindows.ConfiguredOnly;
    }

    /// <summary>Gets what the plan knows of its backends' context windows.</summary>
    public ContextWindows Windows => _windows;

    /// <summary>Gets or sets the context window the next backend must exceed, once a prompt was too long for one.</summary>
    public int? ContextFloor { get; set; }

    /// <summary>Gets the backends left, in order.</summary>
    public IEnumerable<BackendEntry> Remaining => _remaining;

    /// <summary>Takes the next backend that may be tried, skipping those too small for <see cref="ContextFloor"/>.</summary>
    public BackendEntry? Take()
    {
        while (_remaining.Count > 0)
        {
            var entry = _remaining.Dequeue();
            if (Fits(entry))
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>Looks at the next backend without taking it (<see langword="null"/> when it could not be tried).</summary>
    public BackendEntry? Peek() => _remaining.Count > 0 && Fits(_remaining.Peek()) ? _remaining.Peek() : null;

    /// <summary>Takes the next backend, whatever it is (the one <see cref="Peek"/> showed).</summary>
    public void Skip() => _remaining.Dequeue();

    /// <summary>
    /// Raises the context floor after <paramref name="entry"/> said the prompt is too long for it. When its window is not
    /// known the floor stays (at least 0, so a context need is recorded): nothing is known about the others from it.
    /// </summary>
    public void NeedLargerThan(BackendEntry entry) => ContextFloor = Math.Max(ContextFloor ?? 0, _windows.Of(entry) ?? 0);

    private bool Fits(BackendEntry entry) => ContextFloor is not { } floor || _windows.Of(entry) is not { } window || window > floor;
}
