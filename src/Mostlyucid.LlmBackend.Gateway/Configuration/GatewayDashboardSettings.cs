namespace Mostlyucid.LlmBackend.Gateway.Configuration;

/// <summary>
/// The web dashboard and its admin JSON API (section <c>Gateway:Dashboard</c>): pages at <c>/dashboard/</c>, data at
/// <c>/admin/api/…</c>, both for <c>Admin</c> keys (or a dashboard session made with one). Read at startup.
/// </summary>
public sealed class GatewayDashboardSettings
{
    /// <summary>
    /// Gets or sets whether the dashboard, its admin API and the request journal behind them run.
    /// <value>The default is <see langword="true"/>.</value>
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets how many recent requests the journal keeps (with their attempts). <value>The default is 2,000.</value></summary>
    public int JournalCapacity { get; set; } = 2000;

    /// <summary>Gets or sets how long a dashboard session lasts without use, in minutes. <value>The default is 30.</value></summary>
    public int SessionIdleMinutes { get; set; } = 30;

    /// <summary>Gets or sets how long a dashboard session lasts at most, in hours, however much it is used. <value>The default is 12.</value></summary>
    public int SessionLifetimeHours { get; set; } = 12;

    /// <summary>
    /// Gets or sets how many failed logins one client address may make in 15 minutes before it must wait.
    /// <value>The default is 10.</value>
    /// </summary>
    public int MaxLoginFailures { get; set; } = 10;
}
