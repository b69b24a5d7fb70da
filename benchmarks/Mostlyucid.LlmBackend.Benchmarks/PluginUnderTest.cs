namespace Mostlyucid.LlmBackend.Benchmarks;

/// <summary>The backend a <see cref="WasmBackendOverheadBenchmarks"/> case sends its requests through.</summary>
public enum PluginUnderTest
{
    /// <summary>The built-in OpenAI provider: the baseline every plugin is compared with.</summary>
    BuiltIn,

    /// <summary>The AssemblyScript sample plugin (samples/wasm/assemblyscript), run in process on Wasmtime.</summary>
    WasmAssemblyScript,

    /// <summary>The C sample plugin built for wasm32-wasi (samples/wasm/c), run in process on Wasmtime.</summary>
    WasmC,

    /// <summary>The same C sources built as a native library, loaded in process.</summary>
    NativeC,
}
