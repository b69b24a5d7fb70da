namespace Mostlyucid.LlmBackend.Wasm.Carriers;

/// <summary>
/// A carrier for which one message per call is the expensive part (the sandbox is another process): it runs several calls
/// one after another on one instance for the price of one message, exactly as if they had been made one by one.
/// </summary>
internal interface IBatchPluginCarrier : IPluginCarrier
{
    /// <summary>Runs <paramref name="calls"/> in order on one instance, stopping at the first that fails.</summary>
    /// <param name="calls">The calls.</param>
    /// <param name="instance">The instance that must run them, or <see langword="null"/> for any free one.</param>
    /// <param name="cancellationToken">Cancels the wait for the answer.</param>
    /// <returns>The outputs of the calls that returned, and the failure of the one that did not.</returns>
    ValueTask<PluginBatchResult> CallEachAsync(IReadOnlyList<PluginCall> calls, PluginInstance? instance, CancellationToken cancellationToken);
}
