using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Caching;

/// <summary>The cached answers' JSON (source-generated: no reflection on the hit path).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CachedAnswer))]
internal sealed partial class CacheJsonContext : JsonSerializerContext
{
}
