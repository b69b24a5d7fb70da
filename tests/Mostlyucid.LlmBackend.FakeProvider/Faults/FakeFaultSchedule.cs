using System.Collections.Concurrent;

namespace Mostlyucid.LlmBackend.FakeProvider.Faults;

/// <summary>
/// Decides whether a fault applies to a request: a spec with <see cref="FakeFault.Times"/> is faulty for that many
/// requests, one with <see cref="FakeFault.For"/> for that long after its first request, any other always. Counted per
/// spec text, per server; <see cref="Reset"/> starts over.
/// </summary>
public sealed class FakeFaultSchedule
{
    private readonly ConcurrentDictionary<string, int> _seen = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _firstSeen = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="FakeFaultSchedule"/> class.</summary>
    public FakeFaultSchedule(TimeProvider time) => _time = time;

    /// <summary>Counts a request with the fault and says whether the fault applies to it.</summary>
    public bool Applies(FakeFault fault)
    {
        var count = _seen.AddOrUpdate(fault.Spec, 1, (_, n) => n + 1);
        if (fault.Times is { } times && count > times)
        {
            return false;
        }

        var first = _firstSeen.GetOrAdd(fault.Spec, _time.GetUtcNow());
        return fault.For is not { } window || _time.GetUtcNow() - first < window;
    }

    /// <summary>Gets how many requests came with a spec.</summary>
    public int Count(string spec) => _seen.TryGetValue(spec, out var count) ? count : 0;

    /// <summary>Forgets all counts and first-request times.</summary>
    public void Reset()
    {
        _seen.Clear();
        _firstSeen.Clear();
    }
}
