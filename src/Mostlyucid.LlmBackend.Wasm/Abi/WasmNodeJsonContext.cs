using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Wasm.Abi;

/// <summary>Source-generated JSON for free-form nodes (plugin configurations).</summary>
[JsonSerializable(typeof(JsonNode))]
internal sealed partial class WasmNodeJsonContext : JsonSerializerContext
{
}
