namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>
/// The limits WebAssembly plugins run under (<c>LlmSettings:Sandbox</c>). They are enforced by the plugin runtime of the
/// <c>Mostlyucid.LlmBackend.Wasm</c> package; without that package they are not used.
/// </summary>
public class SandboxSettings
{
    /// <summary>Gets or sets nothing any more: WebAssembly plugins run in process on Wasmtime, with no Node.js.</summary>
    [Obsolete("Ignored. WebAssembly plugins run in process on Wasmtime; Node.js is not used.")]
    public string NodePath { get; set; } = "node";

    /// <summary>
    /// Gets or sets how many instances of each plugin may run calls at the same time; further calls wait for a free one.
    /// <value>The default value is 4.</value>
    /// </summary>
    public int InstancesPerPlugin { get; set; } = 4;

    /// <summary>
    /// Gets or sets how long one call into a plugin may run, in milliseconds; past it the instance is stopped and the
    /// request fails over. <value>The default value is 2000.</value>
    /// </summary>
    public int CallTimeoutMs { get; set; } = 2000;

    /// <summary>Gets or sets the most linear memory one plugin instance may use, in MiB. <value>The default value is 64.</value></summary>
    public int MemoryLimitMb { get; set; } = 64;
}
