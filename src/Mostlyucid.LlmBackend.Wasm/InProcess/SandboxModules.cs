using Wasmtime;

namespace Mostlyucid.LlmBackend.Wasm.InProcess;

/// <summary>The compiled pieces an instance of one plugin is made of.</summary>
/// <param name="Engine">The process's engine.</param>
/// <param name="Linker">The host functions (store-independent), cloned per instance to link that instance's kernel.</param>
/// <param name="Kernel">The compiled Extism kernel.</param>
/// <param name="Plugin">The compiled plugin.</param>
internal sealed record SandboxModules(Engine Engine, Linker Linker, Module Kernel, Module Plugin)
{
    /// <summary>The import module of Extism's kernel and its runtime functions.</summary>
    public const string KernelModuleName = "extism:host/env";

    /// <summary>The import module of the host functions a plugin's own code calls (QueryMT's <c>qmt_*</c>).</summary>
    public const string UserModuleName = "extism:host/user";
}
