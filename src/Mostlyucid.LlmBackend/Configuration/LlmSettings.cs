namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>The library's configuration, bound from the <c>LlmSettings</c> section.</summary>
public class LlmSettings
{
    /// <summary>The configuration section the settings bind from.</summary>
    public const string SectionName = "LlmSettings";

    /// <summary>Gets or sets the backends, in configuration order.</summary>
    public List<LlmBackendConfig> Backends { get; set; } = new();

    /// <summary>Gets or sets virtual models: names a request's <c>Model</c> can use to reach a chosen set of backends.</summary>
    public List<RouteConfig> Routes { get; set; } = new();

    /// <summary>Gets or sets how the router orders backends. <value>The default value is <see cref="BackendSelectionStrategy.Failover"/>.</value></summary>
    public BackendSelectionStrategy SelectionStrategy { get; set; } = BackendSelectionStrategy.Failover;

    /// <summary>Gets or sets the backend used by the Specific strategy when a request names none.</summary>
    public string? DefaultBackend { get; set; }

    /// <summary>Gets or sets how long one non-streamed attempt may take, in seconds, unless the backend sets its own (streams use the first-token and idle limits of <see cref="Resilience"/>). <value>The default value is 100.</value></summary>
    public int TimeoutSeconds { get; set; } = 100;

    /// <summary>Gets or sets retries, time limits, circuit breakers and stream continuation.</summary>
    public ResilienceSettings Resilience { get; set; } = new();

    /// <summary>Gets or sets where plugins come from.</summary>
    public PluginSettings Plugins { get; set; } = new();

    /// <summary>Gets or sets how statistics and health are kept.</summary>
    public MonitoringSettings Monitoring { get; set; } = new();

    /// <summary>Gets or sets the limits WebAssembly plugins run under (used with the <c>Mostlyucid.LlmBackend.Wasm</c> package).</summary>
    public SandboxSettings Sandbox { get; set; } = new();

    /// <summary>
    /// Gets or sets models to add to the shipped model catalog, or whose prices and limits replace its figures (same
    /// provider and model).
    /// </summary>
    public List<ModelCatalogEntryConfig> ModelCatalog { get; set; } = new();

    /// <summary>Gets or sets the usage ledger and the store budgets are kept in.</summary>
    public UsageSettings Usage { get; set; } = new();

    /// <summary>Gets or sets what the library's traces may record (prompts and answers are off by default).</summary>
    public TelemetrySettings Telemetry { get; set; } = new();

    /// <summary>Gets or sets the response cache (docs/caching.md).</summary>
    public CachingSettings Caching { get; set; } = new();

    /// <summary>Gets or sets the Redis server instances share: the cache and the gateway's key limits (docs/caching.md).</summary>
    public RedisSettings Redis { get; set; } = new();
}
