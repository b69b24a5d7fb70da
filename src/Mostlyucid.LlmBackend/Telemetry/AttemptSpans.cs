using System.Diagnostics;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Routing;

namespace Mostlyucid.LlmBackend.Telemetry;

/// <summary>
/// The child span of each attempt — <c>attempt {backend}</c> — started where the attempt starts (so the backend's own
/// HTTP spans nest under it) and ended when its outcome is recorded. Only started inside a request span of ours: with
/// nobody listening, or the request not sampled, an attempt costs one check.
/// </summary>
internal static class AttemptSpans
{
    /// <summary>Starts an attempt's span as a child of the current request span, or returns <see langword="null"/>.</summary>
    /// <param name="entry">The backend tried.</param>
    /// <param name="role">Why the attempt is made.</param>
    /// <param name="model">The model asked of the backend.</param>
    public static Activity? Start(BackendEntry entry, AttemptRole role, string? model)
    {
        var source = LlmTelemetry.Source;
        if (!source.HasListeners() || Activity.Current is not { } parent || !ReferenceEquals(parent.Source, source))
        {
            return null;
        }

        var span = source.StartActivity(entry.AttemptSpanName, ActivityKind.Internal);
        if (span is { IsAllDataRequested: true })
        {
            SpanTags.Add(span, TelemetryNames.Backend, entry.Name);
            SpanTags.Add(span, TelemetryNames.AttemptRole, TelemetryValues.Role(role));
            SpanTags.Add(span, TelemetryNames.ProviderName, entry.ProviderName);
            SpanTags.Add(span, TelemetryNames.RequestModel, model);
        }

        return span;
    }

    /// <summary>Ends an attempt's span with its recorded outcome.</summary>
    /// <param name="span">The span, if one was started.</param>
    /// <param name="error">The error recorded, or <see langword="null"/> for a success.</param>
    /// <param name="responseModel">The model that answered, when known.</param>
    public static void End(Activity? span, LlmError? error, string? responseModel = null)
    {
        if (span is null)
        {
            return;
        }

        if (span.IsAllDataRequested)
        {
            if (error is null)
            {
                SpanTags.Add(span, TelemetryNames.AttemptOutcome, TelemetryNames.Success);
                SpanTags.Add(span, TelemetryNames.ResponseModel, responseModel);
            }
            else
            {
                var type = TelemetryValues.ErrorType(error.Kind);
                SpanTags.Add(span, TelemetryNames.AttemptOutcome, type);
                SpanTags.Add(span, TelemetryNames.ErrorType, type);
                span.SetStatus(ActivityStatusCode.Error, error.Message);
            }
        }

        span.Stop();
    }

    /// <summary>Ends an attempt's span that was stopped before it had an outcome: cancelled (a hedge's loser, the caller left) or failed outright.</summary>
    /// <param name="span">The span, if one was started.</param>
    /// <param name="exception">What stopped it, when it was an exception rather than a cancellation.</param>
    public static void Abandon(Activity? span, Exception? exception = null)
    {
        if (span is null || span.IsStopped)
        {
            return;
        }

        if (span.IsAllDataRequested)
        {
            if (exception is null or OperationCanceledException)
            {
                SpanTags.Add(span, TelemetryNames.AttemptOutcome, TelemetryNames.Cancelled);
            }
            else
            {
                var type = exception.GetType().FullName;
                SpanTags.Add(span, TelemetryNames.AttemptOutcome, type);
                SpanTags.Add(span, TelemetryNames.ErrorType, type);
                span.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            }
        }

        span.Stop();
    }
}
