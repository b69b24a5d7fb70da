using System.Diagnostics;
using Mostlyucid.LlmBackend.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Mostlyucid.LlmBackend.Tests.Telemetry;

/// <summary>
/// OpenTelemetry's SDK listening to the library's source and meter, exporting to memory. A test runs its requests inside
/// <see cref="Root"/>, and sees only the spans of that trace and the metric points of its own backends (backend names
/// unique to the test), so nothing another test records can be mistaken for its own.
/// </summary>
internal sealed class TelemetryCapture : IDisposable
{
    private static readonly ActivitySource TestSource = new("Mostlyucid.LlmBackend.Tests.Telemetry");
    private readonly List<Activity> _spans = new();
    private readonly List<MetricSnapshot> _metrics = new();
    private readonly TracerProvider _tracer;
    private readonly MeterProvider _meter;
    private Activity? _root;

    public TelemetryCapture()
    {
        _tracer = Sdk.CreateTracerProviderBuilder().AddSource(LlmTelemetry.ActivitySourceName, TestSource.Name).AddInMemoryExporter(_spans).Build();
        _meter = Sdk.CreateMeterProviderBuilder().AddMeter(LlmTelemetry.MeterName).AddInMemoryExporter(_metrics).Build();
    }

    /// <summary>Starts the test's root span: requests made while it is current belong to the test.</summary>
    public Activity Root() => _root = TestSource.StartActivity("test")!;

    /// <summary>Gets the spans of the test's trace, the root left out, in the order they started.</summary>
    public IReadOnlyList<Activity> Spans
    {
        get
        {
            _tracer.ForceFlush();
            lock (_spans)
            {
                return _spans.Where(s => s.TraceId == _root!.TraceId && s.Source.Name == LlmTelemetry.ActivitySourceName).OrderBy(s => s.StartTimeUtc).ToList();
            }
        }
    }

    /// <summary>Gets the one request span (a child of the root).</summary>
    public Activity RequestSpan => Assert.Single(Spans, s => s.ParentSpanId == _root!.SpanId);

    /// <summary>Gets a span's children, in the order they started.</summary>
    public IReadOnlyList<Activity> ChildrenOf(Activity span) => Spans.Where(s => s.ParentSpanId == span.SpanId).ToList();

    /// <summary>Gets the points of a metric whose <c>llmb.backend</c> is one of <paramref name="backends"/>, as tag dictionaries with their point.</summary>
    public IReadOnlyList<(Dictionary<string, object?> Tags, MetricPoint Point)> Points(string metric, params string[] backends)
    {
        _meter.ForceFlush();
        MetricSnapshot? latest;
        lock (_metrics)
        {
            latest = _metrics.LastOrDefault(m => m.Name == metric);
        }

        if (latest is null)
        {
            return Array.Empty<(Dictionary<string, object?>, MetricPoint)>();
        }

        var points = new List<(Dictionary<string, object?>, MetricPoint)>();
        foreach (var point in latest.MetricPoints)
        {
            var tags = new Dictionary<string, object?>();
            foreach (var tag in point.Tags)
            {
                tags[tag.Key] = tag.Value;
            }

            if (tags.TryGetValue(TelemetryNames.Backend, out var backend) && backends.Contains(backend as string))
            {
                points.Add((tags, point));
            }
        }

        return points;
    }

    /// <summary>Gets the sum of a counter's points matching <paramref name="tags"/> (and one of the test's backends).</summary>
    public long Sum(string metric, string[] backends, params (string Key, object Value)[] tags) =>
        Points(metric, backends).Where(p => tags.All(t => Equals(p.Tags.GetValueOrDefault(t.Key), t.Value))).Sum(p => p.Point.GetSumLong());

    public void Dispose()
    {
        _root?.Dispose();
        _tracer.Dispose();
        _meter.Dispose();
    }
}

/// <summary>
/// The telemetry tests run one at a time and alone: listeners on an <see cref="ActivitySource"/> are process-wide, and one
/// test proves that nothing is created when nobody listens.
/// </summary>
[CollectionDefinition(nameof(TelemetryCollection), DisableParallelization = true)]
public sealed class TelemetryCollection
{
}
