namespace Mostlyucid.LlmBackend.Wasm.InProcess;

/// <summary>The limits every instance of one plugin runs under.</summary>
internal sealed record PluginSandboxOptions
{
    /// <summary>Gets the time limit of one call (the time a host function spends waiting, for HTTP, does not count).</summary>
    public required TimeSpan CallTimeout { get; init; }

    /// <summary>Gets the most bytes one linear memory of an instance may grow to.</summary>
    public required long MemoryLimitBytes { get; init; }

    /// <summary>Gets how many instances may run calls at once.</summary>
    public required int Instances { get; init; }

    /// <summary>Gets the time limit in epoch ticks (one more than the limit needs, since a tick may be about to fall).</summary>
    public ulong DeadlineTicks => (ulong)Math.Ceiling(CallTimeout.TotalMilliseconds / EpochTicker.Period.TotalMilliseconds) + 1;
}
