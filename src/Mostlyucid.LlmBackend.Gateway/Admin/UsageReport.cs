using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Gateway.Admin;

/// <summary>The body of <c>GET /admin/usage</c>.</summary>
internal sealed class UsageReport
{
    [JsonPropertyName("group_by")]
    public string GroupBy { get; set; } = string.Empty;

    [JsonPropertyName("from")]
    public DateTimeOffset From { get; set; }

    [JsonPropertyName("to")]
    public DateTimeOffset To { get; set; }

    [JsonPropertyName("totals")]
    public List<UsageReportRow> Totals { get; set; } = new();

    [JsonPropertyName("ledger")]
    public UsageReportLedger Ledger { get; set; } = new();
}

/// <summary>One group's totals.</summary>
internal sealed class UsageReportRow
{
    [JsonPropertyName("key")]
    public string Key { get; set; } = string.Empty;

    [JsonPropertyName("requests")]
    public long Requests { get; set; }

    [JsonPropertyName("failed")]
    public long Failed { get; set; }

    [JsonPropertyName("prompt_tokens")]
    public long PromptTokens { get; set; }

    [JsonPropertyName("completion_tokens")]
    public long CompletionTokens { get; set; }

    [JsonPropertyName("cost_usd")]
    public decimal CostUsd { get; set; }

    [JsonPropertyName("unpriced_requests")]
    public long UnpricedRequests { get; set; }

    [JsonPropertyName("cache_hits")]
    public long CacheHits { get; set; }
}

/// <summary>The ledger's state in a usage report.</summary>
internal sealed class UsageReportLedger
{
    [JsonPropertyName("store")]
    public string Store { get; set; } = string.Empty;

    [JsonPropertyName("recorded")]
    public long Recorded { get; set; }

    [JsonPropertyName("written")]
    public long Written { get; set; }

    [JsonPropertyName("dropped")]
    public long Dropped { get; set; }

    [JsonPropertyName("waiting")]
    public int Waiting { get; set; }

    [JsonPropertyName("last_error")]
    public string? LastError { get; set; }
}

/// <summary>One budget in <c>GET /admin/budgets</c>.</summary>
internal sealed class BudgetReportRow
{
    [JsonPropertyName("scope")]
    public string Scope { get; set; } = string.Empty;

    [JsonPropertyName("setting")]
    public string Setting { get; set; } = string.Empty;

    [JsonPropertyName("limit_usd")]
    public decimal LimitUsd { get; set; }

    [JsonPropertyName("spent_usd")]
    public decimal SpentUsd { get; set; }

    [JsonPropertyName("period")]
    public string Period { get; set; } = string.Empty;

    [JsonPropertyName("resets_at")]
    public DateTimeOffset? ResetsAt { get; set; }

    [JsonPropertyName("exhausted")]
    public bool Exhausted { get; set; }
}
