using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Gateway.Admin;
using Mostlyucid.LlmBackend.Gateway.Configuration;
using Mostlyucid.LlmBackend.Gateway.Dashboard.Journal;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Reload;
using Mostlyucid.LlmBackend.Routing;
using Mostlyucid.LlmBackend.Security;
using Mostlyucid.LlmBackend.Spend;

namespace Mostlyucid.LlmBackend.Gateway.Dashboard.Api;

/// <summary>
/// The admin JSON API under <c>/admin/api/</c>, the dashboard's only source of data (and a script's): traffic, backends,
/// spend, recent requests and the effective configuration. Every endpoint needs an <c>Admin</c> key or a dashboard session.
/// </summary>
internal static class DashboardApi
{
    private static readonly Dictionary<string, (TimeSpan Window, TimeSpan Step)> Windows = new(StringComparer.OrdinalIgnoreCase)
    {
        ["5m"] = (TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(10)),
        ["15m"] = (TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(10)),
        ["1h"] = (TimeSpan.FromHours(1), TimeSpan.FromSeconds(30)),
        ["24h"] = (TimeSpan.FromHours(24), TimeSpan.FromMinutes(10)),
    };

    private static readonly Dictionary<string, UsageGrouping> Groupings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["key"] = UsageGrouping.Caller,
        ["route"] = UsageGrouping.Route,
        ["backend"] = UsageGrouping.Backend,
        ["model"] = UsageGrouping.Model,
    };

    /// <summary><c>GET /admin/api/overview?window=5m|15m|1h|24h</c> (default 15m): traffic totals and points over the window.</summary>
    public static Task OverviewAsync(HttpContext context, TrafficRecorder recorder, ILlmService llm, IUsageLedger ledger, BackendRegistry registry, TimeProvider time)
    {
        var name = context.Request.Query["window"].ToString() is { Length: > 0 } given ? given : "15m";
        if (!Windows.TryGetValue(name, out var window))
        {
            return BadAsync(context, "window", $"window must be one of 5m, 15m, 1h, 24h (not '{Shorten(name)}').");
        }

        var now = time.GetUtcNow();
        var series = recorder.Stats.For(window.Window);
        var points = series.Points(now - window.Window, now, window.Step);
        var totals = new TrafficSummary();
        foreach (var (_, summary) in points)
        {
            totals.Add(summary);
        }

        var stepSeconds = Math.Max(series.BucketSeconds, (long)window.Step.TotalSeconds);
        var health = llm.GetStatistics().Backends;
        var report = new OverviewReport
        {
            Window = name.ToLowerInvariant(),
            StepSeconds = stepSeconds,
            GeneratedAt = now,
            Totals = Figures(points.Count > 0 ? points[0].Start : now, totals, window.Window.TotalSeconds),
            Points = points.Select(p => Figures(p.Start, p.Summary, stepSeconds)).ToList(),
            BackendsHealthy = health.Count(h => h.IsHealthy),
            BackendsTotal = health.Count,
            Ledger = registry.Settings.Usage.Enabled ? LedgerOf(ledger) : null,
        };
        return JsonResponse.WriteAsync(context, report, DashboardJsonContext.Default.OverviewReport);
    }

    /// <summary><c>GET /admin/api/backends</c>: every configured backend with its health, breaker, latency, last error, budget and routes.</summary>
    public static Task BackendsAsync(HttpContext context, ILlmService llm, BackendRegistry registry, BudgetBook budgets, SecretRedactor redactor, TimeProvider time)
    {
        var settings = registry.Settings;
        var health = llm.GetStatistics().Backends.ToDictionary(h => h.BackendName, StringComparer.OrdinalIgnoreCase);
        var budgetRows = AdminEndpoints.BudgetRows(budgets, time.GetUtcNow()).ToDictionary(b => b.Scope, StringComparer.Ordinal);
        var rows = settings.Backends.Select(backend =>
        {
            var state = health.GetValueOrDefault(backend.Name);
            return new BackendRow
            {
                Name = backend.Name,
                Type = backend.Type ?? backend.CustomBackendType,
                Model = backend.ModelName,
                Enabled = backend.Enabled,
                Priority = backend.Priority,
                Healthy = state?.IsHealthy ?? false,
                Circuit = state?.CircuitState,
                Successes = state?.SuccessfulRequests ?? 0,
                Failures = state?.FailedRequests ?? 0,
                ConsecutiveFailures = state?.ConsecutiveFailures ?? 0,
                AverageLatencyMs = state?.AverageLatencyMs ?? 0,
                LatencyP50Ms = state?.LatencyP50Ms ?? 0,
                LatencyP95Ms = state?.LatencyP95Ms ?? 0,
                LatencyP99Ms = state?.LatencyP99Ms ?? 0,
                LastError = state?.LastError is { } error ? redactor.Redact(error) : null,
                LastSuccessAt = state?.LastSuccessfulRequest,
                LastFailureAt = state?.LastFailedRequest,
                Routes = settings.Routes.Where(r => r.Backends.Contains(backend.Name, StringComparer.OrdinalIgnoreCase)).Select(r => r.Name).ToList(),
                Budget = budgetRows.GetValueOrDefault(BudgetScopes.Backend(backend.Name)),
            };
        }).ToList();
        return JsonResponse.WriteAsync(context, rows, DashboardJsonContext.Default.ListBackendRow);
    }

    /// <summary>
    /// <c>GET /admin/api/spend?group_by=key|route|backend|model&amp;from=&amp;to=</c> (default: by key, the last 7 days):
    /// totals by the dimension and by day from the usage ledger, and every budget.
    /// </summary>
    public static async Task SpendAsync(HttpContext context, IUsageLedger ledger, BudgetBook budgets, TimeProvider time)
    {
        var query = context.Request.Query;
        var groupBy = query["group_by"].ToString() is { Length: > 0 } named ? named : "key";
        if (!Groupings.TryGetValue(groupBy, out var grouping))
        {
            await BadAsync(context, "group_by", $"group_by must be one of key, route, backend, model (not '{Shorten(groupBy)}').").ConfigureAwait(false);
            return;
        }

        var now = time.GetUtcNow();
        if (!AdminEndpoints.TryTimeParameter(query["from"], now.AddDays(-7), out var from) || !AdminEndpoints.TryTimeParameter(query["to"], now.AddSeconds(1), out var to))
        {
            await BadAsync(context, "from", "from and to must be ISO 8601 dates or times in UTC, such as 2026-12-01 or 2026-12-01T12:00:00Z.").ConfigureAwait(false);
            return;
        }

        var totals = await ledger.QueryAsync(new UsageQuery { GroupBy = grouping, From = from, To = to }, context.RequestAborted).ConfigureAwait(false);
        var days = await ledger.QueryAsync(new UsageQuery { GroupBy = UsageGrouping.Day, From = from, To = to }, context.RequestAborted).ConfigureAwait(false);
        var report = new SpendReport
        {
            GroupBy = groupBy.ToLowerInvariant(),
            From = from,
            To = to,
            Totals = totals.Select(Row).OrderByDescending(r => r.CostUsd).ThenBy(r => r.Key, StringComparer.Ordinal).ToList(),
            Days = days.Select(Row).OrderBy(r => r.Key, StringComparer.Ordinal).ToList(),
            Budgets = AdminEndpoints.BudgetRows(budgets, now),
            Ledger = LedgerOf(ledger),
        };
        await JsonResponse.WriteAsync(context, report, DashboardJsonContext.Default.SpendReport).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>GET /admin/api/requests?status=ok|error|&lt;code&gt;&amp;key=&amp;route=&amp;backend=&amp;limit=</c> (default 100, at most
    /// the journal's size): the recent requests that match, newest first, with their attempts.
    /// </summary>
    public static Task RequestsAsync(HttpContext context, TrafficRecorder recorder)
    {
        var query = context.Request.Query;
        var status = query["status"].ToString();
        var key = query["key"].ToString();
        var route = query["route"].ToString();
        var backend = query["backend"].ToString();
        var limit = 100;
        if (query["limit"].ToString() is { Length: > 0 } given && (!int.TryParse(given, out limit) || limit < 1))
        {
            return BadAsync(context, "limit", "limit must be a whole number of 1 or more.");
        }

        int? code = null;
        if (status.Length > 0 && status is not ("ok" or "error"))
        {
            if (!int.TryParse(status, out var parsed) || parsed is < 100 or > 599)
            {
                return BadAsync(context, "status", $"status must be ok, error or an HTTP status code (not '{Shorten(status)}').");
            }

            code = parsed;
        }

        var journal = recorder.Journal;
        var found = journal.Newest(
            e => (status.Length == 0 || (status == "ok" && !e.IsError) || (status == "error" && e.IsError) || e.Status == code)
                && Matches(key, e.Key) && Matches(route, e.Route) && (backend.Length == 0 || e.Attempts.Any(a => string.Equals(a.Backend, backend, StringComparison.OrdinalIgnoreCase)) || Matches(backend, e.Backend)),
            Math.Min(limit, journal.Capacity));
        return JsonResponse.WriteAsync(context, new RequestsReport { Requests = found, Capacity = journal.Capacity, Journalled = journal.Total }, DashboardJsonContext.Default.RequestsReport);
    }

    /// <summary><c>GET /admin/api/requests/{requestId}</c>: one recent request with its attempts; 404 when it is not (or no longer) kept.</summary>
    public static Task RequestAsync(HttpContext context, string requestId, TrafficRecorder recorder)
    {
        if (recorder.Journal.Find(requestId) is { } entry)
        {
            return JsonResponse.WriteAsync(context, entry, DashboardJsonContext.Default.JournalEntry);
        }

        return GatewayErrorWriter.WriteAsync(
            context,
            ErrorShape.OpenAi,
            StatusCodes.Status404NotFound,
            $"No recent request has the id '{Shorten(requestId)}': the journal keeps the last {recorder.Journal.Capacity} requests.",
            "request_not_found");
    }

    /// <summary><c>GET /admin/api/config</c>: the configuration in use, without secrets, and where reloading stands.</summary>
    public static Task ConfigAsync(HttpContext context, GatewayConfiguration gateway, BackendRegistry registry, ConfigurationReloader reloader)
    {
        var settings = gateway.Current.Settings;
        var llm = registry.Settings;
        var report = new EffectiveConfigReport
        {
            Keys = settings.ApiKeys.Select(k => new KeyView
            {
                Name = k.Name,
                Role = k.Role.ToString(),
                AllowedModels = k.AllowedModels.ToList(),
                MaxRequestsPerMinute = k.MaxRequestsPerMinute,
                MaxTokensPerMinute = k.MaxTokensPerMinute,
                MaxSpendUsd = k.MaxSpendUsd,
            }).ToList(),
            AllowedOrigins = settings.AllowedOrigins.ToList(),
            MaxRequestBodyBytes = settings.MaxRequestBodyBytes,
            Backends = llm.Backends.Select(Backend).ToList(),
            Routes = llm.Routes.Select(r => new RouteView { Name = r.Name, Backends = r.Backends.ToList(), SelectionStrategy = r.SelectionStrategy?.ToString(), MaxSpendUsd = r.MaxSpendUsd }).ToList(),
            SelectionStrategy = llm.SelectionStrategy.ToString(),
            UsageStore = llm.Usage.Enabled ? llm.Usage.Store : "off",
            Reload = AdminEndpoints.ConfigReportOf(reloader),
        };
        return JsonResponse.WriteAsync(context, report, DashboardJsonContext.Default.EffectiveConfigReport);
    }

    private static BackendView Backend(LlmBackendConfig backend) => new()
    {
        Name = backend.Name,
        Type = backend.Type ?? backend.CustomBackendType,
        BaseUrl = WithoutCredentials(backend.BaseUrl),
        Model = backend.ModelName,
        EmbeddingModel = backend.EmbeddingModelName,
        Enabled = backend.Enabled,
        Priority = backend.Priority,
        Weight = backend.Weight,
        ApiKeySet = !string.IsNullOrEmpty(backend.ApiKey),
        HeaderNames = backend.Headers.Keys.Order(StringComparer.OrdinalIgnoreCase).ToList(),
        CostPerMillionInputTokens = backend.CostPerMillionInputTokens,
        CostPerMillionOutputTokens = backend.CostPerMillionOutputTokens,
        MaxSpendUsd = backend.MaxSpendUsd,
        TimeoutSeconds = backend.TimeoutSeconds,
    };

    /// <summary>A URL without user information, query or fragment (where credentials hide); anything unparseable is withheld.</summary>
    private static string? WithoutCredentials(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return null;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return "(not an absolute URL)";
        }

        return new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty, Query = string.Empty, Fragment = string.Empty }.Uri.ToString();
    }

    private static bool Matches(string wanted, string? value) => wanted.Length == 0 || string.Equals(wanted, value, StringComparison.OrdinalIgnoreCase);

    private static OverviewFigures Figures(DateTimeOffset start, TrafficSummary summary, double seconds)
    {
        var requests = summary[TrafficCounter.Requests];
        double? Rate(TrafficCounter counter) => requests == 0 ? null : (double)summary[counter] / requests;
        return new OverviewFigures
        {
            Start = start,
            Requests = requests,
            RequestsPerSecond = seconds > 0 ? requests / seconds : 0,
            Errors = summary[TrafficCounter.Errors],
            Failovers = summary[TrafficCounter.Failovers],
            Hedges = summary[TrafficCounter.Hedges],
            Continuations = summary[TrafficCounter.Continuations],
            ErrorRate = Rate(TrafficCounter.Errors),
            FailoverRate = Rate(TrafficCounter.Failovers),
            HedgeRate = Rate(TrafficCounter.Hedges),
            ContinuationRate = Rate(TrafficCounter.Continuations),
            CacheHits = summary[TrafficCounter.CacheHits],
            CacheHitRate = Rate(TrafficCounter.CacheHits),
            LatencyP50Ms = LatencyHistogram.Percentile(summary.Latency, 0.50),
            LatencyP95Ms = LatencyHistogram.Percentile(summary.Latency, 0.95),
            LatencyP99Ms = LatencyHistogram.Percentile(summary.Latency, 0.99),
            TtftP50Ms = LatencyHistogram.Percentile(summary.FirstToken, 0.50),
            TtftP95Ms = LatencyHistogram.Percentile(summary.FirstToken, 0.95),
            TtftP99Ms = LatencyHistogram.Percentile(summary.FirstToken, 0.99),
        };
    }

    private static UsageReportRow Row(UsageTotal t) => new()
    {
        Key = t.Key,
        Requests = t.Requests,
        Failed = t.Failed,
        PromptTokens = t.PromptTokens,
        CompletionTokens = t.CompletionTokens,
        CostUsd = decimal.Round(t.CostUsd, 9),
        UnpricedRequests = t.UnpricedRequests,
    };

    private static UsageReportLedger LedgerOf(IUsageLedger ledger)
    {
        var status = ledger.GetStatus();
        return new UsageReportLedger { Store = status.Store, Recorded = status.Recorded, Written = status.Written, Dropped = status.Dropped, Waiting = status.Waiting, LastError = status.LastError };
    }

    private static Task BadAsync(HttpContext context, string param, string message) =>
        GatewayErrorWriter.WriteAsync(context, ErrorShape.OpenAi, StatusCodes.Status400BadRequest, message, "invalid_parameter", param);

    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");
}
