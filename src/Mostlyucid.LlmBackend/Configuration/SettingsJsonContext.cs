using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>
/// The settings as JSON, to tell whether a reloaded part is the same as the running one (<see cref="SettingsComparison"/>):
/// every public setting counts, so a setting added later is compared without anyone remembering to.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(LlmBackendConfig))]
[JsonSerializable(typeof(RouteConfig))]
[JsonSerializable(typeof(UsageSettings))]
[JsonSerializable(typeof(CachingSettings))]
[JsonSerializable(typeof(RedisSettings))]
[JsonSerializable(typeof(PluginSettings))]
[JsonSerializable(typeof(MonitoringSettings))]
[JsonSerializable(typeof(SandboxSettings))]
[JsonSerializable(typeof(CircuitBreakerSettings))]
[JsonSerializable(typeof(List<ModelCatalogEntryConfig>))]
internal sealed partial class SettingsJsonContext : JsonSerializerContext
{
}
