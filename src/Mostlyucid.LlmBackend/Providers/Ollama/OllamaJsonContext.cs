using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Ollama;

/// <summary>Source-generated serialization for the Ollama wire types.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OllamaChatRequest))]
[JsonSerializable(typeof(OllamaChatResponse))]
[JsonSerializable(typeof(OllamaErrorBody))]
[JsonSerializable(typeof(OllamaEmbedRequest))]
[JsonSerializable(typeof(OllamaEmbedResponse))]
[JsonSerializable(typeof(OllamaModelList))]
[JsonSerializable(typeof(OllamaOptions))]
internal sealed partial class OllamaJsonContext : JsonSerializerContext
{
}
