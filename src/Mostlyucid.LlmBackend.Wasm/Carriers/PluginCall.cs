namespace Mostlyucid.LlmBackend.Wasm.Carriers;

/// <summary>One call of a batch: a plugin function and its input.</summary>
/// <param name="Function">The function's name.</param>
/// <param name="Input">Its input.</param>
internal readonly record struct PluginCall(string Function, ReadOnlyMemory<byte> Input);
