namespace Mostlyucid.LlmBackend.Gateway.Configuration;

/// <summary>
/// What the gateway exports of the library's telemetry (section <c>Gateway:Telemetry</c>): Prometheus metrics at
/// <c>/metrics</c>, and traces and metrics over OTLP to a collector. With neither, no telemetry SDK runs at all.
/// </summary>
public sealed class GatewayTelemetrySettings
{
    /// <summary>
    /// Gets or sets whether Prometheus can scrape <c>/metrics</c> (with an admin key, like every admin endpoint).
    /// <value>The default is <see langword="true"/>.</value>
    /// </summary>
    public bool Prometheus { get; set; } = true;

    /// <summary>
    /// Gets or sets the OTLP collector to send traces and metrics to (for example <c>http://localhost:4317</c>). When
    /// unset, the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable is used if set; otherwise nothing is sent.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Gets or sets the OTLP protocol: <c>grpc</c> or <c>http/protobuf</c>. <value>The default is <c>grpc</c>.</value></summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>
    /// Gets or sets the share of requests traced (0–1; a request whose caller sent a sampled <c>traceparent</c> is always
    /// traced). <value>The default is 1: every request.</value>
    /// </summary>
    public double TraceSampleRatio { get; set; } = 1.0;

    /// <summary>
    /// Gets or sets whether the framework's per-request bookkeeping instruments are exported too: ASP.NET Core's and
    /// HttpClient's active requests, HttpClient's open connections (each request moves a connection from idle to active and
    /// back) and time in queue, and routing's match attempts. Each is several tagged measurements a request (about
    /// 5 µs of CPU together); the request durations (<c>http.server.request.duration</c>,
    /// <c>http.client.request.duration</c>), Kestrel's connection instruments, the runtime's and the library's are
    /// exported either way. <value>The default is <see langword="false"/>.</value>
    /// </summary>
    public bool DetailedHttpMetrics { get; set; }
}
