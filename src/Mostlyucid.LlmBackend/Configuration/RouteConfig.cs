namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>
/// A virtual model (<c>LlmSettings:Routes</c>): a request whose <c>Model</c> is the route's <see cref="Name"/> goes to the
/// route's own backends, in its own order, and each backend uses its configured model.
/// </summary>
public class RouteConfig
{
    /// <summary>Gets or sets the virtual model's name (for example <c>smart</c>); unique, and not also a backend's name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets the backends (by name) this route may use. With the Failover strategy they are tried in this order.</summary>
    public List<string> Backends { get; set; } = new();

    /// <summary>Gets or sets how the route orders its backends; <see langword="null"/> uses <c>LlmSettings:SelectionStrategy</c>.</summary>
    public BackendSelectionStrategy? SelectionStrategy { get; set; }

    /// <summary>
    /// Gets or sets whether this route's streams are hedged when a backend is slow to give its first token; overrides
    /// <see cref="FirstTokenHedgingSettings.Enabled"/> (a backend's own <see cref="LlmBackendConfig.HedgeFirstToken"/> wins).
    /// </summary>
    public bool? HedgeFirstToken { get; set; }

    /// <summary>
    /// Gets or sets the most requests for this route may spend, in US dollars, per <see cref="SpendResetPeriod"/>; once
    /// reached, requests for it are refused until the period turns.
    /// </summary>
    public decimal? MaxSpendUsd { get; set; }

    /// <summary>Gets or sets when <see cref="MaxSpendUsd"/> starts again. <value>The default is <see cref="SpendResetPeriod.Monthly"/>.</value></summary>
    public SpendResetPeriod SpendResetPeriod { get; set; } = SpendResetPeriod.Monthly;

    /// <summary>Gets or sets the day a weekly budget restarts. <value>The default is Monday.</value></summary>
    public DayOfWeek SpendResetDayOfWeek { get; set; } = DayOfWeek.Monday;

    /// <summary>Gets or sets the day of the month (1–31) a monthly budget restarts. <value>The default is 1.</value></summary>
    public int SpendResetDayOfMonth { get; set; } = 1;
}
