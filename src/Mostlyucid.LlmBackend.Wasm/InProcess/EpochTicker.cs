using Wasmtime;

namespace Mostlyucid.LlmBackend.Wasm.InProcess;

/// <summary>
/// Advances the engine's epoch every <see cref="Period"/>: the clock of every call's time limit. A call past its deadline
/// is interrupted at its next loop back-edge or function entry, so a plugin that loops forever never holds its thread
/// longer than its limit plus one period. The timer runs only while plugins are loaded.
/// </summary>
internal sealed class EpochTicker : IDisposable
{
    private readonly Timer _timer;

    public EpochTicker(Engine engine)
    {
        _timer = new Timer(static state => ((Engine)state!).IncrementEpoch(), engine, Period, Period);
    }

    /// <summary>Gets how often the epoch advances.</summary>
    public static TimeSpan Period { get; } = TimeSpan.FromMilliseconds(10);

    public void Dispose()
    {
        // Wait for a tick in progress: the engine is disposed next.
        using var stopped = new ManualResetEvent(false);
        if (_timer.Dispose(stopped))
        {
            stopped.WaitOne();
        }
    }
}
