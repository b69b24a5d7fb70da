using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Mostlyucid.LlmBackend.Benchmarks;

/// <summary>
/// What the library's telemetry adds to a request (docs/telemetry.md): the same chat and stream through the library with
/// nobody listening (<c>Off</c>) and with OpenTelemetry's SDK listening to its source and meter (<c>On</c>: every span
/// sampled, through a batch processor, and every metric aggregated, as an OTLP setup would — the exporters drop what they
/// are given, so only the request path's cost is measured). A chat is two spans (the request and its attempt) and its
/// metrics; a stream the same, its ten chunks passing through the telemetry stage.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class TelemetryBenchmarks
{
    private GatewayFixture _fixture = null!;
    private ChatRequest _request = null!;
    private TracerProvider? _tracer;
    private MeterProvider? _meter;

    /// <summary>Gets or sets the telemetry: <c>Off</c> (nobody listens) or <c>On</c> (OpenTelemetry's SDK listens).</summary>
    [Params("Off", "On")]
    public string Telemetry { get; set; } = "Off";

    [GlobalSetup]
    public void Setup()
    {
        if (Telemetry == "On")
        {
            _tracer = Sdk.CreateTracerProviderBuilder()
                .AddSource(LlmTelemetry.ActivitySourceName)
                .AddProcessor(new BatchActivityExportProcessor(new DiscardingSpanExporter()))
                .Build();
            _meter = Sdk.CreateMeterProviderBuilder()
                .AddMeter(LlmTelemetry.MeterName)
                .AddReader(new PeriodicExportingMetricReader(new DiscardingMetricExporter(), exportIntervalMilliseconds: 10_000))
                .Build();
        }

        _fixture = new GatewayFixture(streamChunks: 10);
        _request = new ChatRequest { Model = "up0", Messages = { new ChatMessage { Role = ChatRole.User, Content = "Say hello." } } };
        Chat().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _fixture.Dispose();
        _tracer?.Dispose();
        _meter?.Dispose();
    }

    /// <summary><c>ILlmService.ChatAsync</c> as a gateway key's caller.</summary>
    [Benchmark]
    public async Task<bool> Chat()
    {
        using var caller = LlmCallContext.Begin(new LlmCallContext { CallerName = "bench" });
        return (await _fixture.Llm.ChatAsync(_request).ConfigureAwait(false)).Success;
    }

    /// <summary><c>ILlmService.StreamChatAsync</c> (ten chunks and the usage) as a gateway key's caller.</summary>
    [Benchmark]
    public async Task<int> Stream()
    {
        using var caller = LlmCallContext.Begin(new LlmCallContext { CallerName = "bench" });
        var updates = 0;
        await foreach (var update in _fixture.Llm.StreamChatAsync(_request).ConfigureAwait(false))
        {
            updates++;
        }

        return updates;
    }

    private sealed class DiscardingSpanExporter : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch) => ExportResult.Success;
    }

    private sealed class DiscardingMetricExporter : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
    }
}
