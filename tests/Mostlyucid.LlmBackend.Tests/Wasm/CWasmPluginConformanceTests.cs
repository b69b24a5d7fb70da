using Mostlyucid.LlmBackend.Tests.TestSupport;
using Mostlyucid.LlmBackend.Wasm;

namespace Mostlyucid.LlmBackend.Tests.Wasm;

/// <summary>The C sample as an Extism plugin in the sandbox.</summary>
public sealed class CWasmPluginConformanceTests : PluginConformanceTests
{
    protected override string BackendType => WasmBackendPlugin.WasmType;

    protected override string PluginPath => WasmSamples.CWasm;
}
