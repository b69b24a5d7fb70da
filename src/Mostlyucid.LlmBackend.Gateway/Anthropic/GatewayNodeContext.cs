using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Gateway.Anthropic;

/// <summary>Source-generated serialization for JSON nodes the gateway converts to elements.</summary>
[JsonSerializable(typeof(JsonNode))]
internal sealed partial class GatewayNodeContext : JsonSerializerContext
{
}
