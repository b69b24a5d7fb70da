using Mostlyucid.LlmBackend.Interfaces;

namespace Mostlyucid.LlmBackend.SharedState;

/// <summary>
/// The process's shared state, if <c>LlmSettings:Redis:ConnectionString</c> configures one: made once at startup (the
/// connection string is read once; a change needs a restart), used by the response cache, the budgets' spend counters and the gateway's key limits.
/// </summary>
public sealed class SharedStateHolder : IAsyncDisposable, IDisposable
{
    /// <summary>Initializes a new instance of the <see cref="SharedStateHolder"/> class.</summary>
    /// <param name="state">The shared state, or <see langword="null"/> when none is configured.</param>
    public SharedStateHolder(ISharedState? state)
    {
        State = state;
    }

    /// <summary>Gets the shared state, or <see langword="null"/> when everything stays in this process.</summary>
    public ISharedState? State { get; }

    /// <summary>Closes the shared state's connection (the container calls it when the application stops).</summary>
    public async ValueTask DisposeAsync()
    {
        if (State is IAsyncDisposable asyncState)
        {
            await asyncState.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            (State as IDisposable)?.Dispose();
        }
    }

    /// <summary>Closes the shared state's connection.</summary>
    public void Dispose() => (State as IDisposable)?.Dispose();
}
