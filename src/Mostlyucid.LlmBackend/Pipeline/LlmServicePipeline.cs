using Microsoft.Extensions.DependencyInjection;
using Mostlyucid.LlmBackend.Caching;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Routing;
using Mostlyucid.LlmBackend.Services;
using Mostlyucid.LlmBackend.Spend;
using Mostlyucid.LlmBackend.Telemetry;
using Mostlyucid.LlmBackend.Validation;

namespace Mostlyucid.LlmBackend.Pipeline;

/// <summary>
/// Composes the stages every <see cref="ILlmService"/> call passes, in one place. Outermost first:
/// <list type="number">
/// <item><see cref="ConfigurationSnapshotLlmService"/> — the call runs to its end on the configuration current when it
/// began, whatever a reload swaps in;</item>
/// <item><see cref="TelemetryLlmService"/> — each request a span with its attempts as children, and its metrics (only
/// when something listens);</item>
/// <item><see cref="ValidatingLlmService"/> — a request no provider should get is refused, naming the parameter;</item>
/// <item><see cref="BudgetGuardLlmService"/> — a caller or route that has spent its budget is refused (with
/// <c>Usage:Enabled</c>);</item>
/// <item><see cref="UsageRecordingLlmService"/> — every request that goes on is recorded in the usage ledger and charged
/// to the budgets (with <c>Usage:Enabled</c>); a cache hit is recorded as one, costing nothing;</item>
/// <item><see cref="CachingLlmService"/> — an identical request is answered from the response cache, with no backend call
/// (with <c>Caching:Enabled</c>);</item>
/// <item><see cref="CostingLlmService"/> — every answer priced from its usage;</item>
/// <item><see cref="LlmService"/> — planning (backends whose budget is spent are out of rotation), attempts, retries,
/// hedging, failover, stream continuation.</item>
/// </list>
/// </summary>
internal static class LlmServicePipeline
{
    /// <summary>Builds the pipeline from the registered stages' parts.</summary>
    public static ILlmService Build(IServiceProvider services)
    {
        var registry = services.GetRequiredService<BackendRegistry>();
        var time = services.GetRequiredService<TimeProvider>();
        var costs = services.GetRequiredService<CostCalculator>();
        ILlmService pipeline = new CostingLlmService(services.GetRequiredService<LlmService>(), registry, costs);
        if (registry.Settings.Caching.Enabled)
        {
            pipeline = new CachingLlmService(pipeline, services.GetRequiredService<ResponseCache>(), registry.Settings.Caching, services.GetRequiredService<LlmMetrics>());
        }

        if (registry.Settings.Usage.Enabled)
        {
            var budgets = services.GetRequiredService<BudgetBook>();
            pipeline = new UsageRecordingLlmService(pipeline, services.GetRequiredService<UsageLedger>(), budgets, costs, registry, time);
            pipeline = new BudgetGuardLlmService(pipeline, budgets, registry);
        }

        pipeline = new ValidatingLlmService(pipeline);
        pipeline = new TelemetryLlmService(pipeline, registry, services.GetRequiredService<LlmMetrics>(), time);
        return new ConfigurationSnapshotLlmService(pipeline, registry);
    }
}
