namespace Mostlyucid.LlmBackend.Wasm.Carriers;

/// <summary>What a plugin function returned.</summary>
/// <param name="Output">The output bytes.</param>
/// <param name="Instance">The instance that ran the call.</param>
public readonly record struct PluginCallResult(ReadOnlyMemory<byte> Output, PluginInstance? Instance);
