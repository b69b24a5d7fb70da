namespace Mostlyucid.LlmBackend.Gateway.Dashboard.Api;

/// <summary>The body of <c>GET /admin/api/overview</c>: the gateway's traffic over a window, in totals and points.</summary>
internal sealed class OverviewReport
{
    /// <summary>Gets or sets the window (<c>5m</c>, <c>15m</c>, <c>1h</c>, <c>24h</c>).</summary>
    public string Window { get; set; } = string.Empty;

    /// <summary>Gets or sets each point's length in seconds.</summary>
    public long StepSeconds { get; set; }

    /// <summary>Gets or sets when the report was made.</summary>
    public DateTimeOffset GeneratedAt { get; set; }

    /// <summary>Gets or sets the totals over the window.</summary>
    public OverviewFigures Totals { get; set; } = new();

    /// <summary>Gets or sets the points, oldest first.</summary>
    public List<OverviewFigures> Points { get; set; } = new();

    /// <summary>Gets or sets how many enabled backends are healthy now.</summary>
    public int BackendsHealthy { get; set; }

    /// <summary>Gets or sets how many backends are enabled.</summary>
    public int BackendsTotal { get; set; }

    /// <summary>Gets or sets the usage ledger's state (records queued, dropped), when it is on.</summary>
    public Admin.UsageReportLedger? Ledger { get; set; }
}

/// <summary>Traffic figures of a window or of one point of it.</summary>
internal sealed class OverviewFigures
{
    /// <summary>Gets or sets the point's start (the window's start for totals).</summary>
    public DateTimeOffset Start { get; set; }

    /// <summary>Gets or sets the requests answered.</summary>
    public long Requests { get; set; }

    /// <summary>Gets or sets the requests per second.</summary>
    public double RequestsPerSecond { get; set; }

    /// <summary>Gets or sets the requests that ended in an error.</summary>
    public long Errors { get; set; }

    /// <summary>Gets or sets the requests that failed over to another backend.</summary>
    public long Failovers { get; set; }

    /// <summary>Gets or sets the requests that started a hedge.</summary>
    public long Hedges { get; set; }

    /// <summary>Gets or sets the requests whose broken stream was continued.</summary>
    public long Continuations { get; set; }

    /// <summary>Gets or sets the share of requests that ended in an error (0–1), when there were requests.</summary>
    public double? ErrorRate { get; set; }

    /// <summary>Gets or sets the share of requests that failed over (0–1).</summary>
    public double? FailoverRate { get; set; }

    /// <summary>Gets or sets the share of requests that hedged (0–1).</summary>
    public double? HedgeRate { get; set; }

    /// <summary>Gets or sets the share of requests that were continued (0–1).</summary>
    public double? ContinuationRate { get; set; }

    /// <summary>Gets or sets the requests the response cache answered.</summary>
    public long CacheHits { get; set; }

    /// <summary>Gets or sets the share of requests the response cache answered (0–1).</summary>
    public double? CacheHitRate { get; set; }

    /// <summary>Gets or sets the median latency (ms).</summary>
    public double? LatencyP50Ms { get; set; }

    /// <summary>Gets or sets the 95th-percentile latency (ms).</summary>
    public double? LatencyP95Ms { get; set; }

    /// <summary>Gets or sets the 99th-percentile latency (ms).</summary>
    public double? LatencyP99Ms { get; set; }

    /// <summary>Gets or sets the median time to first token of streams (ms).</summary>
    public double? TtftP50Ms { get; set; }

    /// <summary>Gets or sets the 95th-percentile time to first token of streams (ms).</summary>
    public double? TtftP95Ms { get; set; }

    /// <summary>Gets or sets the 99th-percentile time to first token of streams (ms).</summary>
    public double? TtftP99Ms { get; set; }
}
