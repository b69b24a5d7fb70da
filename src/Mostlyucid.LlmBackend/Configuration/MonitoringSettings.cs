namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>How backend statistics and health are kept (<c>LlmSettings:Monitoring</c>).</summary>
public class MonitoringSettings
{
    /// <summary>Gets or sets how far back latency percentiles look, in seconds. <value>The default value is 300.</value></summary>
    public int LatencyWindowSeconds { get; set; } = 300;

    /// <summary>Gets or sets the most latency samples kept per backend. <value>The default value is 1024.</value></summary>
    public int LatencyWindowSize { get; set; } = 1024;

    /// <summary>Gets or sets how many failures in a row make a backend unhealthy. <value>The default value is 3.</value></summary>
    public int UnhealthyAfterConsecutiveFailures { get; set; } = 3;

    /// <summary>
    /// Gets or sets how long after its last failure an unhealthy backend counts as healthy again (it is then tried
    /// normally; a success also restores it at once), in seconds. <value>The default value is 30.</value>
    /// </summary>
    public int UnhealthyCooldownSeconds { get; set; } = 30;
}
