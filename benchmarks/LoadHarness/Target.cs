namespace Mostlyucid.LlmBackend.Benchmarks.Load;

/// <summary>
/// A column of the table: something the same load is sent to. <see cref="Start"/> starts its process on the system-under-
/// test core (none for the direct column); <see cref="EndpointFor"/> says how to reach a given upstream through it.
/// </summary>
internal sealed record Target(
    string Key,
    string Name,
    int? Port,
    Func<TargetContext, ManagedProcess?> Start,
    Func<Upstream, Endpoint> EndpointFor)
{
    /// <summary>Gets whether this target is a gateway whose own memory is measured over the sustained run.</summary>
    public bool MeasureSustainedMemory { get; init; }
}
