namespace Mostlyucid.LlmBackend.Gateway.Dashboard.Api;

/// <summary>The body of <c>GET /admin/api/spend</c>: cost and tokens by a dimension and by day, and the budgets.</summary>
internal sealed class SpendReport
{
    /// <summary>Gets or sets the dimension of <see cref="Totals"/>: <c>key</c>, <c>route</c>, <c>backend</c> or <c>model</c>.</summary>
    public string GroupBy { get; set; } = string.Empty;

    /// <summary>Gets or sets the start of the period.</summary>
    public DateTimeOffset From { get; set; }

    /// <summary>Gets or sets the end of the period.</summary>
    public DateTimeOffset To { get; set; }

    /// <summary>Gets or sets the totals by <see cref="GroupBy"/>.</summary>
    public List<Admin.UsageReportRow> Totals { get; set; } = new();

    /// <summary>Gets or sets the totals by day (UTC), oldest first.</summary>
    public List<Admin.UsageReportRow> Days { get; set; } = new();

    /// <summary>Gets or sets every budget with what it spent and when it resets.</summary>
    public List<Admin.BudgetReportRow> Budgets { get; set; } = new();

    /// <summary>Gets or sets the usage ledger's state.</summary>
    public Admin.UsageReportLedger Ledger { get; set; } = new();
}
