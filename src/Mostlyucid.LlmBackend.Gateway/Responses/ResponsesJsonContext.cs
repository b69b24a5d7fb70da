using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Gateway.Responses;

/// <summary>Source-generated serialization for the Responses API's documents (they are built as JSON nodes).</summary>
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonArray))]
[JsonSerializable(typeof(JsonNode))]
internal sealed partial class ResponsesJsonContext : JsonSerializerContext
{
}
