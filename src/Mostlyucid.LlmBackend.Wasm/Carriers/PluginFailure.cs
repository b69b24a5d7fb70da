namespace Mostlyucid.LlmBackend.Wasm.Carriers;

/// <summary>Why a plugin call failed.</summary>
public enum PluginFailure
{
    /// <summary>The plugin returned an error (its message, usually QueryMT's <c>{"payload": …}</c> JSON).</summary>
    PluginError = 0,

    /// <summary>The call ran past its time limit and its instance was stopped.</summary>
    Timeout,

    /// <summary>The plugin trapped (out of bounds, unreachable, out of memory) and its instance was thrown away.</summary>
    Trap,

    /// <summary>The call needed an instance that was restarted, and the state it held is gone.</summary>
    InstanceLost,

    /// <summary>The runtime hosting the plugin died during the call; it is restarted for the next one.</summary>
    RuntimeCrashed,

    /// <summary>The plugin could not be loaded.</summary>
    LoadFailed,

    /// <summary>The host could not make the call (for example the runtime is not installed).</summary>
    HostError,
}
