using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.Gateway.Auth;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Routing;
using Mostlyucid.LlmBackend.SharedState;

namespace Mostlyucid.LlmBackend.Gateway.Health;

/// <summary>
/// <c>GET /health</c>: the process is up (nothing else). <c>GET /health/ready</c>: 200 when at least one backend is ready
/// and healthy, else 503 — from recorded health, no provider called. Anyone may ask; only an authorized caller (a key, or
/// any local caller without keys) sees the backends, their circuits and last errors, and may add <c>?probe=true</c> to
/// also ask each provider's free model list (rate-limited by <see cref="ReadinessProbe"/>).
/// </summary>
internal static class HealthEndpoints
{
    private static readonly byte[] Live = "{\"status\":\"ok\"}"u8.ToArray();

    public static Task LiveAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = Live.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : context.Response.Body.WriteAsync(Live, context.RequestAborted).AsTask();
    }

    public static async Task ReadyAsync(HttpContext context, ILlmService llm, ReadinessProbe probe, SharedStateHolder shared, BackendRegistry registry)
    {
        var caller = GatewayCallerFeature.Get(context);
        var wantsProbe = string.Equals(context.Request.Query["probe"], "true", StringComparison.OrdinalIgnoreCase);
        if (wantsProbe && !caller.IsAuthorized)
        {
            await GatewayErrorWriter.WriteAsync(
                context,
                ErrorShape.ByClient,
                StatusCodes.Status401Unauthorized,
                "probe=true asks every provider with this gateway's credentials, so it needs a gateway key ('Authorization: Bearer <key>' or 'x-api-key: <key>').",
                "invalid_api_key").ConfigureAwait(false);
            return;
        }

        // By name; a plugin that reports another backend's name (or none) must not break the report.
        var health = new Dictionary<string, BackendHealth>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in await llm.GetHealthAsync(context.RequestAborted).ConfigureAwait(false))
        {
            health.TryAdd(entry.BackendName ?? string.Empty, entry);
        }

        var (reachable, age) = wantsProbe ? await probe.ProbeAsync(context.RequestAborted).ConfigureAwait(false) : (null, TimeSpan.Zero);
        var backends = new List<BackendReadiness>();
        foreach (var backend in llm.GetBackends())
        {
            var known = health.TryGetValue(backend.Name, out var h);
            backends.Add(new BackendReadiness
            {
                Name = backend.Name,
                Type = backend.BackendType,
                Status = backend.Status.ToString(),
                Healthy = backend.Status == BackendStatus.Ready && (!known || h!.IsHealthy),
                Circuit = known ? h!.CircuitState : null,
                Reason = backend.StatusReason,
                Reachable = reachable is not null && reachable.TryGetValue(backend.Name, out var r) ? r : null,
                LastError = known ? h!.LastError : null,
            });
        }

        var ready = backends.Any(b => b.Healthy && b.Reachable != false);

        // Unreachable Redis degrades the gateway (no shared cache; limits per instance or refused; budgets from the ledger) but it still serves.
        var state = shared.State;
        var degraded = state is { Available: false };
        var report = new ReadinessReport
        {
            Status = !ready ? "unavailable" : degraded ? "degraded" : "ready",
            ProbeAgeSeconds = caller.IsAuthorized && wantsProbe ? Math.Round(age.TotalSeconds, 1) : null,
            Backends = caller.IsAuthorized ? backends : null,
            SharedState = caller.IsAuthorized && state is not null
                ? new SharedStateReadiness
                {
                    Name = state.Name,
                    Available = state.Available,
                    Effect = state.Available ? null : EffectOf(registry.Settings.Redis.LimitsWhenUnavailable),
                    LastError = state.LastError,
                }
                : null,
        };
        context.Response.StatusCode = ready ? 200 : 503;
        await JsonResponse.WriteAsync(context, report, GatewayJsonContext.Default.ReadinessReport).ConfigureAwait(false);
    }

    private static string EffectOf(SharedLimitFailure limits) => limits == SharedLimitFailure.Allow
        ? "the response cache is bypassed, key limits are counted by each instance alone and budgets count from the usage ledger until it is back"
        : "the response cache is bypassed, keys with limits are refused (503) and budgets count from the usage ledger until it is back";
}
