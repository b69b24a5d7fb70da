namespace Mostlyucid.LlmBackend.Gateway.Configuration;

/// <summary>The gateway's own settings (section <c>Gateway</c>); backends, routes and plugins are in <c>LlmSettings</c>.</summary>
public sealed class GatewaySettings
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway";

    /// <summary>
    /// Gets or sets the client keys. With none, the gateway accepts any client but listens on loopback only.
    /// </summary>
    public List<GatewayApiKeyConfig> ApiKeys { get; set; } = new();

    /// <summary>The largest value <see cref="MaxRequestBodyBytes"/> may have: 1 GiB.</summary>
    public const long LargestRequestBodyBytes = 1L << 30;

    /// <summary>Gets or sets the largest request body accepted, in bytes (413 above it; at most 1 GiB). <value>The default is 16 MiB.</value></summary>
    public long MaxRequestBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Gets or sets whether, when the configuration has no <c>LlmSettings:Backends</c>, the embedded defaults are used:
    /// the well-known providers whose key variables are set, a local Ollama if one answers, else the Mock provider.
    /// <value>The default is <see langword="true"/>.</value>
    /// </summary>
    public bool UseDefaultBackends { get; set; } = true;

    /// <summary>Gets or sets where the defaults look for a local Ollama. <value>The default is http://localhost:11434.</value></summary>
    public string OllamaUrl { get; set; } = "http://localhost:11434";

    /// <summary>
    /// Gets or sets the web origins (<c>https://app.example.com</c>) whose pages may call the gateway from a browser. Without
    /// API keys, a request carrying any other <c>Origin</c> is refused; with keys, CORS answers only for these origins.
    /// <c>*</c> allows every origin and is accepted only when API keys are configured.
    /// <value>The default is empty: no web page may call the gateway.</value>
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = new();

    /// <summary>
    /// Gets or sets how often <c>/health/ready?probe=true</c> may call the providers; a probe asked for sooner is answered
    /// from the last one (its age is in the answer). <value>The default is 10 seconds.</value>
    /// </summary>
    public int HealthProbeIntervalSeconds { get; set; } = 10;

    /// <summary>Gets or sets what the gateway exports of its telemetry (Prometheus, OTLP).</summary>
    public GatewayTelemetrySettings Telemetry { get; set; } = new();

    /// <summary>Gets or sets the web dashboard's settings.</summary>
    public GatewayDashboardSettings Dashboard { get; set; } = new();
    /// <summary>Gets or sets where the Responses API keeps the responses it stores, and for how long.</summary>
    public GatewayResponsesSettings Responses { get; set; } = new();
}
