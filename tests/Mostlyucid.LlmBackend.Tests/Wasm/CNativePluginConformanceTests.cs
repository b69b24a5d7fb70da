using Mostlyucid.LlmBackend.Tests.TestSupport;
using Mostlyucid.LlmBackend.Wasm;

namespace Mostlyucid.LlmBackend.Tests.Wasm;

/// <summary>The C sample as a native shared library.</summary>
public sealed class CNativePluginConformanceTests : PluginConformanceTests
{
    protected override string BackendType => WasmBackendPlugin.NativeType;

    protected override string PluginPath => WasmSamples.CNative;
}
