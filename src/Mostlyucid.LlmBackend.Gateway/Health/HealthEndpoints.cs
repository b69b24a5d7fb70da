using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.Health;

/// <summary>
/// <c>GET /health</c>: the process is up. <c>GET /health/ready</c>: which backends can be used, from their recorded health
/// (no provider is called); <c>?probe=true</c> also asks each one's free model-list endpoint. 200 when at least one backend
/// is ready and healthy, else 503.
/// </summary>
internal static class HealthEndpoints
{
    public static Task LiveAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync("{\"status\":\"ok\"}", context.RequestAborted);
    }

    public static async Task ReadyAsync(HttpContext context, ILlmService llm)
    {
        var probe = string.Equals(context.Request.Query["probe"], "true", StringComparison.OrdinalIgnoreCase);
        var health = (await llm.GetHealthAsync(context.RequestAborted).ConfigureAwait(false)).ToDictionary(h => h.BackendName, StringComparer.OrdinalIgnoreCase);
        var reachable = probe ? await llm.CheckAvailabilityAsync(context.RequestAborted).ConfigureAwait(false) : null;
        var report = new ReadinessReport();
        foreach (var backend in llm.GetBackends())
        {
            var known = health.TryGetValue(backend.Name, out var h);
            report.Backends.Add(new BackendReadiness
            {
                Name = backend.Name,
                Type = backend.BackendType,
                Status = backend.Status.ToString(),
                Healthy = backend.Status == BackendStatus.Ready && (!known || h!.IsHealthy),
                Reason = backend.StatusReason,
                Reachable = reachable is not null && reachable.TryGetValue(backend.Name, out var r) ? r : null,
                LastError = known ? h!.LastError : null,
            });
        }

        var ready = report.Backends.Any(b => b.Healthy && b.Reachable != false);
        report.Status = ready ? "ready" : "unavailable";
        context.Response.StatusCode = ready ? 200 : 503;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, report, GatewayJsonContext.Default.ReadinessReport, context.RequestAborted).ConfigureAwait(false);
    }
}
