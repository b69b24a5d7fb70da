using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Mostlyucid.LlmBackend.Gateway.Configuration;
using Mostlyucid.LlmBackend.Gateway.Security;
using Mostlyucid.LlmBackend.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Mostlyucid.LlmBackend.Gateway.Telemetry;

/// <summary>
/// Exports the library's GenAI traces and metrics (and ASP.NET Core's, HttpClient's and the runtime's) with OpenTelemetry:
/// a Prometheus scrape at <c>/metrics</c> behind the admin key, and OTLP to a collector when one is configured. When
/// neither is on, no OpenTelemetry SDK is registered and the library's instruments have no listener (they cost nothing).
/// </summary>
internal static class GatewayTelemetry
{
    /// <summary>The path Prometheus scrapes.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// The framework's instruments that record several tagged measurements on every request without saying more than the
    /// request durations do; dropped unless <see cref="GatewayTelemetrySettings.DetailedHttpMetrics"/>. A dropped
    /// instrument is never enabled, so ASP.NET Core and HttpClient skip recording it.
    /// </summary>
    internal static readonly string[] PerRequestBookkeeping =
    {
        "http.server.active_requests",
        "aspnetcore.routing.match_attempts",
        "http.client.active_requests",
        "http.client.open_connections",
        "http.client.request.time_in_queue",
    };

    /// <summary>Registers the exporters <paramref name="settings"/> asks for.</summary>
    public static void Add(WebApplicationBuilder builder, GatewayTelemetrySettings settings, Func<string, string?> environment)
    {
        var otlp = Otlp(settings, environment);
        if (!settings.Prometheus && otlp is null)
        {
            return;
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("llmbackend-gateway", serviceVersion: typeof(GatewayTelemetry).Assembly.GetName().Version?.ToString()));
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(LlmTelemetry.MeterName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentation();
            ((IDeferredMeterProviderBuilder)metrics).Configure((services, builder) => builder.AddView(OwnInstrumentsOnly(services.GetRequiredService<IMeterFactory>())));
            if (!settings.DetailedHttpMetrics)
            {
                foreach (var instrument in PerRequestBookkeeping)
                {
                    metrics.AddView(instrument, MetricStreamConfiguration.Drop);
                }
            }

            if (settings.Prometheus)
            {
                metrics.AddPrometheusExporter();
            }

            if (otlp is not null)
            {
                metrics.AddOtlpExporter(options => Configure(options, otlp.Value, "metrics"));
            }
        });

        if (otlp is not null)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(LlmTelemetry.ActivitySourceName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(settings.TraceSampleRatio)))
                .AddOtlpExporter(options => Configure(options, otlp.Value, "traces")));
        }
    }

    /// <summary>
    /// A view that drops instruments made by another service provider's meter factory. OpenTelemetry listens to meters by
    /// name across the whole process, so a second host in the same process (tests, several gateways in one service) would
    /// otherwise have its measurements exported here too, and disposing its meters would stop this gateway's instruments
    /// of the same name from being exported (open-telemetry/opentelemetry-dotnet#6412). Meters made without a factory
    /// (the runtime's, the library's shared one) are kept.
    /// </summary>
    /// <param name="own">This gateway's meter factory.</param>
    internal static Func<Instrument, MetricStreamConfiguration?> OwnInstrumentsOnly(IMeterFactory own) =>
        instrument => instrument.Meter.Scope is IMeterFactory factory && !ReferenceEquals(factory, own) ? MetricStreamConfiguration.Drop : null;

    /// <summary>Maps the Prometheus scrape, behind the admin key.</summary>
    public static void Map(WebApplication app, GatewayTelemetrySettings settings)
    {
        if (settings.Prometheus)
        {
            app.MapPrometheusScrapingEndpoint(MetricsPath).RequireAdminKey();
        }
    }

    private static (Uri Endpoint, OtlpExportProtocol Protocol)? Otlp(GatewayTelemetrySettings settings, Func<string, string?> environment)
    {
        var endpoint = settings.OtlpEndpoint is { Length: > 0 } configured ? configured : environment("OTEL_EXPORTER_OTLP_ENDPOINT");
        if (string.IsNullOrWhiteSpace(endpoint) || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
        {
            return null;
        }

        var protocol = settings.OtlpProtocol == "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        return (uri, protocol);
    }

    private static void Configure(OtlpExporterOptions options, (Uri Endpoint, OtlpExportProtocol Protocol) otlp, string signal)
    {
        options.Protocol = otlp.Protocol;

        // Over HTTP each signal has its own path; a collector's bare address gets the standard one (/v1/traces, /v1/metrics).
        options.Endpoint = otlp.Protocol == OtlpExportProtocol.HttpProtobuf && otlp.Endpoint.AbsolutePath == "/"
            ? new Uri(otlp.Endpoint, "v1/" + signal)
            : otlp.Endpoint;
    }
}
