using System.Diagnostics;
using System.Reflection;

namespace Mostlyucid.LlmBackend.Telemetry;

/// <summary>
/// The names under which the library reports traces and metrics, following the OpenTelemetry semantic conventions for
/// generative AI (one span per request with a child per attempt; <c>gen_ai.client.*</c> metrics) plus its own
/// <c>llmb.*</c> ones. Nothing is recorded unless something listens: with OpenTelemetry,
/// <c>tracing.AddSource(LlmTelemetry.ActivitySourceName)</c> and <c>metrics.AddMeter(LlmTelemetry.MeterName)</c>. Every
/// span, attribute and metric is listed in docs/telemetry.md.
/// </summary>
public static class LlmTelemetry
{
    /// <summary>The name of the <see cref="ActivitySource"/> the library's spans come from.</summary>
    public const string ActivitySourceName = "Mostlyucid.LlmBackend";

    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> the library's metrics come from.</summary>
    public const string MeterName = "Mostlyucid.LlmBackend";

    /// <summary>Gets the library's version, given to the source and the meter.</summary>
    internal static string Version { get; } = typeof(LlmTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(LlmTelemetry).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    /// <summary>Gets the source of every span the library starts.</summary>
    internal static ActivitySource Source { get; } = new(ActivitySourceName, Version);
}
