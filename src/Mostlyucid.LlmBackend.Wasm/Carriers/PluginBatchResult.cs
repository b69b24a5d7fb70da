namespace Mostlyucid.LlmBackend.Wasm.Carriers;

/// <summary>
/// What a batch of calls returned: the outputs of the calls that returned, in order, and — when one failed — why; the
/// calls after it were not made. <c>Outputs.Count</c> is the index of the failed call.
/// </summary>
/// <param name="Outputs">The outputs of the calls that returned.</param>
/// <param name="Instance">The instance that ran them.</param>
/// <param name="Failure">Why the call at <c>Outputs.Count</c> failed, or <see langword="null"/> when all returned.</param>
internal sealed record PluginBatchResult(IReadOnlyList<ReadOnlyMemory<byte>> Outputs, PluginInstance? Instance, PluginCallException? Failure);
