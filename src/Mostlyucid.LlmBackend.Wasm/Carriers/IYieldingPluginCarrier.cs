namespace Mostlyucid.LlmBackend.Wasm.Carriers;

/// <summary>
/// A carrier that can run a call which hands out results while it runs (QueryMT's in-plugin <c>chat_stream</c>, which
/// yields each chunk through <c>qmt_yield_chunk</c> as the plugin reads its own HTTP stream).
/// </summary>
internal interface IYieldingPluginCarrier : IPluginCarrier
{
    /// <summary>Runs <paramref name="function"/> and returns what it yields, as it yields it.</summary>
    /// <param name="function">The export.</param>
    /// <param name="input">Its input.</param>
    /// <param name="cancellationToken">Cancels the call: its host functions see the cancellation (HTTP ends).</param>
    /// <returns>The yielded chunks; a failed call throws <see cref="PluginCallException"/> after the chunks before it.</returns>
    IAsyncEnumerable<ReadOnlyMemory<byte>> CallYieldingAsync(string function, ReadOnlyMemory<byte> input, CancellationToken cancellationToken);
}
