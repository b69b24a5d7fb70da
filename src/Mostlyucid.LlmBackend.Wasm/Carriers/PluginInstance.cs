namespace Mostlyucid.LlmBackend.Wasm.Carriers;

/// <summary>Identifies one running instance of a plugin, for calls that must reach the instance holding their state.</summary>
/// <param name="Generation">The runtime generation it belongs to; a restarted runtime starts a new one.</param>
/// <param name="Id">The instance's id within the generation.</param>
public readonly record struct PluginInstance(int Generation, int Id);
