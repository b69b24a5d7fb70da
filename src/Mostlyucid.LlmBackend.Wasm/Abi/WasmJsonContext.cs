using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Wasm.Abi;

/// <summary>Source-generated JSON for the plain shapes of the plugin ABI (lists of names, embedding vectors).</summary>
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(List<List<float>>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class WasmJsonContext : JsonSerializerContext
{
}
