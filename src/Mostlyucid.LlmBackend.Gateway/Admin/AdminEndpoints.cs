using System.Globalization;
using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Reload;
using Mostlyucid.LlmBackend.Spend;

namespace Mostlyucid.LlmBackend.Gateway.Admin;

/// <summary>
/// What an <c>Admin</c> key may read: usage totals from the ledger (<c>GET /admin/usage</c>), every budget with what it
/// has spent (<c>GET /admin/budgets</c>), and where reloading the configuration stands (<c>GET /admin/config</c>).
/// </summary>
internal static class AdminEndpoints
{
    private static readonly Dictionary<string, UsageGrouping> Groupings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["key"] = UsageGrouping.Caller,
        ["caller"] = UsageGrouping.Caller,
        ["route"] = UsageGrouping.Route,
        ["backend"] = UsageGrouping.Backend,
        ["model"] = UsageGrouping.Model,
        ["day"] = UsageGrouping.Day,
    };

    /// <summary><c>GET /admin/usage?group_by=key|route|backend|model|day&amp;from=&amp;to=&amp;key=</c> (default: by key, the last 30 days).</summary>
    public static async Task UsageAsync(HttpContext context, IUsageLedger ledger, TimeProvider time)
    {
        var query = context.Request.Query;
        var groupBy = query["group_by"].ToString() is { Length: > 0 } named ? named : "key";
        if (!Groupings.TryGetValue(groupBy, out var grouping))
        {
            await BadAsync(context, "group_by", $"group_by must be one of key, route, backend, model, day (not '{Shorten(groupBy)}').").ConfigureAwait(false);
            return;
        }

        var now = time.GetUtcNow();
        if (!TryTime(query["from"], now.AddDays(-30), out var from) || !TryTime(query["to"], now.AddSeconds(1), out var to))
        {
            await BadAsync(context, TryTime(query["from"], now, out _) ? "to" : "from", "from and to must be ISO 8601 dates or times in UTC, such as 2026-12-01 or 2026-12-01T12:00:00Z.").ConfigureAwait(false);
            return;
        }

        var totals = await ledger.QueryAsync(
            new UsageQuery { GroupBy = grouping, From = from, To = to, CallerName = query["key"].ToString() is { Length: > 0 } key ? key : null },
            context.RequestAborted).ConfigureAwait(false);
        var status = ledger.GetStatus();
        await JsonResponse.WriteAsync(
            context,
            new UsageReport
            {
                GroupBy = groupBy.ToLowerInvariant(),
                From = from,
                To = to,
                Totals = totals.Select(t => new UsageReportRow
                {
                    Key = t.Key,
                    Requests = t.Requests,
                    Failed = t.Failed,
                    PromptTokens = t.PromptTokens,
                    CompletionTokens = t.CompletionTokens,
                    CostUsd = decimal.Round(t.CostUsd, 9),
                    UnpricedRequests = t.UnpricedRequests,
                    CacheHits = t.CacheHits,
                }).ToList(),
                Ledger = new UsageReportLedger { Store = status.Store, Recorded = status.Recorded, Written = status.Written, Dropped = status.Dropped, Waiting = status.Waiting, LastError = status.LastError },
            },
            GatewayJsonContext.Default.UsageReport).ConfigureAwait(false);
    }

    /// <summary><c>GET /admin/budgets</c>: every budget, what it has spent this period, and when it resets.</summary>
    public static Task BudgetsAsync(HttpContext context, BudgetBook budgets, TimeProvider time) =>
        JsonResponse.WriteAsync(context, BudgetRows(budgets, time.GetUtcNow()), GatewayJsonContext.Default.ListBudgetReportRow);

    /// <summary>Every budget, what it has spent this period and when it resets (also the dashboard's).</summary>
    /// <param name="budgets">The budgets.</param>
    /// <param name="now">The time now.</param>
    /// <returns>The rows, by scope.</returns>
    internal static List<BudgetReportRow> BudgetRows(BudgetBook budgets, DateTimeOffset now) =>
        budgets.All()
            .Select(b => (Budget: b, Spent: budgets.Spent(b)))
            .Select(b => new BudgetReportRow
            {
                Scope = b.Budget.Scope,
                Setting = b.Budget.Setting,
                LimitUsd = b.Budget.LimitUsd,
                SpentUsd = decimal.Round(b.Spent, 9),
                Period = b.Budget.Period.ToString(),
                ResetsAt = b.Budget.NextReset(now),
                Exhausted = b.Spent >= b.Budget.LimitUsd,
            })
            .OrderBy(r => r.Scope, StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// <c>GET /admin/config</c>: the configuration's version in use, the last one swapped in and the last changed one refused
    /// with every problem (names and messages only: no key or secret is in them).
    /// </summary>
    public static Task ConfigAsync(HttpContext context, ConfigurationReloader reloader) =>
        JsonResponse.WriteAsync(context, ConfigReportOf(reloader), GatewayJsonContext.Default.ConfigReport);

    /// <summary>Where reloading the configuration stands (also the dashboard's).</summary>
    /// <param name="reloader">The reloader.</param>
    /// <returns>The report.</returns>
    internal static ConfigReport ConfigReportOf(ConfigurationReloader reloader)
    {
        var status = reloader.Status;
        return new ConfigReport
        {
            Version = status.Version,
            LastSuccess = new ConfigReportSuccess
            {
                At = status.LastSuccess.At,
                Version = status.LastSuccess.Version,
                Changes = status.LastSuccess.Changes,
                RestartNeeded = status.LastSuccess.RestartNeeded.ToList(),
            },
            LastFailure = status.LastFailure is { } failure ? new ConfigReportFailure { At = failure.At, Problems = failure.Problems.ToList() } : null,
        };
    }

    /// <summary>Reads an optional ISO 8601 time from the query; <paramref name="fallback"/> when absent.</summary>
    internal static bool TryTimeParameter(Microsoft.Extensions.Primitives.StringValues value, DateTimeOffset fallback, out DateTimeOffset time) =>
        TryTime(value, fallback, out time);

    private static bool TryTime(Microsoft.Extensions.Primitives.StringValues value, DateTimeOffset fallback, out DateTimeOffset time)
    {
        if (value.Count == 0 || string.IsNullOrWhiteSpace(value.ToString()))
        {
            time = fallback;
            return true;
        }

        return DateTimeOffset.TryParse(value.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
    }

    private static Task BadAsync(HttpContext context, string param, string message) =>
        GatewayErrorWriter.WriteAsync(context, ErrorShape.OpenAi, StatusCodes.Status400BadRequest, message, "invalid_parameter", param);

    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");
}
