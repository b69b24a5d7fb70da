using System.Text.Json.Serialization;
using Mostlyucid.LlmBackend.Gateway.Dashboard.Journal;

namespace Mostlyucid.LlmBackend.Gateway.Dashboard.Api;

/// <summary>Source-generated serialization of the admin API's bodies (snake_case, like the rest of the gateway).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(OverviewReport))]
[JsonSerializable(typeof(List<BackendRow>))]
[JsonSerializable(typeof(SpendReport))]
[JsonSerializable(typeof(RequestsReport))]
[JsonSerializable(typeof(JournalEntry))]
[JsonSerializable(typeof(EffectiveConfigReport))]
internal sealed partial class DashboardJsonContext : JsonSerializerContext
{
}
