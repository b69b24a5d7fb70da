using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Anthropic;

/// <summary>Source-generated serialization for the Anthropic wire types.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AnthropicMessagesRequest))]
[JsonSerializable(typeof(AnthropicMessagesResponse))]
[JsonSerializable(typeof(AnthropicStreamEvent))]
[JsonSerializable(typeof(AnthropicErrorEnvelope))]
[JsonSerializable(typeof(AnthropicModelList))]
[JsonSerializable(typeof(AnthropicCountTokensRequest))]
[JsonSerializable(typeof(AnthropicCountTokensResponse))]
[JsonSerializable(typeof(List<AnthropicContentBlock>))]
internal sealed partial class AnthropicJsonContext : JsonSerializerContext
{
}
