using System.Text.Json.Serialization;
using Mostlyucid.LlmBackend.Gateway.Health;
using Mostlyucid.LlmBackend.Gateway.OpenAi;

namespace Mostlyucid.LlmBackend.Gateway;

/// <summary>Source-generated serialization for the gateway's own wire types.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(CompletionRequest))]
[JsonSerializable(typeof(CompletionResponse))]
[JsonSerializable(typeof(ReadinessReport))]
[JsonSerializable(typeof(Admin.UsageReport))]
[JsonSerializable(typeof(List<Admin.BudgetReportRow>))]
[JsonSerializable(typeof(Admin.ConfigReport))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext
{
}
