namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>
/// What the library's traces may carry (<c>LlmSettings:Telemetry</c>). Spans and metrics themselves are produced only
/// when something listens to <see cref="Telemetry.LlmTelemetry.ActivitySourceName"/> or
/// <see cref="Telemetry.LlmTelemetry.MeterName"/> (see docs/telemetry.md); these settings only widen what a span records.
/// </summary>
public sealed class TelemetrySettings
{
    /// <summary>
    /// Gets or sets whether request spans record the prompt and the answer (<c>gen_ai.input.messages</c>,
    /// <c>gen_ai.system_instructions</c>, <c>gen_ai.output.messages</c>, as the OpenTelemetry GenAI conventions shape them).
    /// They are the users' data: leave it off in production unless the trace store is allowed to hold them. API keys are
    /// never recorded either way. <value>The default value is <see langword="false"/>.</value>
    /// </summary>
    public bool RecordContent { get; set; }

    /// <summary>
    /// Gets or sets the most characters of one message part recorded when <see cref="RecordContent"/> is on; longer text is
    /// cut (the JSON stays whole) and ends with "…". 0 records every part whole. <value>The default value is 0.</value>
    /// </summary>
    public int MaxContentLength { get; set; }
}
