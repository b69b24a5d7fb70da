namespace Mostlyucid.LlmBackend.Gateway.Dashboard.Api;

/// <summary>One backend in <c>GET /admin/api/backends</c>: its settings, health, latency, budget and routes.</summary>
internal sealed class BackendRow
{
    /// <summary>Gets or sets the backend's name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets its type (provider).</summary>
    public string? Type { get; set; }

    /// <summary>Gets or sets its configured model.</summary>
    public string? Model { get; set; }

    /// <summary>Gets or sets whether it is enabled.</summary>
    public bool Enabled { get; set; }

    /// <summary>Gets or sets its priority (lower is tried first by the Failover strategy).</summary>
    public int Priority { get; set; }

    /// <summary>Gets or sets whether it is healthy now.</summary>
    public bool Healthy { get; set; }

    /// <summary>Gets or sets its circuit breaker's state (<c>Closed</c>, <c>Open</c>, <c>HalfOpen</c>).</summary>
    public string? Circuit { get; set; }

    /// <summary>Gets or sets its successful requests since start.</summary>
    public long Successes { get; set; }

    /// <summary>Gets or sets its failed requests since start.</summary>
    public long Failures { get; set; }

    /// <summary>Gets or sets its failures in a row now.</summary>
    public int ConsecutiveFailures { get; set; }

    /// <summary>Gets or sets its average latency (ms).</summary>
    public double AverageLatencyMs { get; set; }

    /// <summary>Gets or sets its median latency (ms).</summary>
    public double LatencyP50Ms { get; set; }

    /// <summary>Gets or sets its 95th-percentile latency (ms).</summary>
    public double LatencyP95Ms { get; set; }

    /// <summary>Gets or sets its 99th-percentile latency (ms).</summary>
    public double LatencyP99Ms { get; set; }

    /// <summary>Gets or sets its last error (secrets redacted).</summary>
    public string? LastError { get; set; }

    /// <summary>Gets or sets when it last answered.</summary>
    public DateTimeOffset? LastSuccessAt { get; set; }

    /// <summary>Gets or sets when it last failed.</summary>
    public DateTimeOffset? LastFailureAt { get; set; }

    /// <summary>Gets or sets the routes that use it.</summary>
    public List<string> Routes { get; set; } = new();

    /// <summary>Gets or sets its budget, when it has one.</summary>
    public Admin.BudgetReportRow? Budget { get; set; }
}
