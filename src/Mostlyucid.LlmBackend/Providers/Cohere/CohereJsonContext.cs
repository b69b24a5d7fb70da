using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Cohere;

/// <summary>Source-generated serialization for the Cohere wire types.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CohereChatRequest))]
[JsonSerializable(typeof(CohereChatResponse))]
[JsonSerializable(typeof(CohereContentPart))]
[JsonSerializable(typeof(CohereToolCall))]
[JsonSerializable(typeof(CohereStreamEvent))]
[JsonSerializable(typeof(CohereErrorBody))]
[JsonSerializable(typeof(CohereEmbedRequest))]
[JsonSerializable(typeof(CohereEmbedResponse))]
[JsonSerializable(typeof(CohereModelList))]
internal sealed partial class CohereJsonContext : JsonSerializerContext
{
}
