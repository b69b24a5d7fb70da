using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Resilience;
using Mostlyucid.LlmBackend.Routing;
using Mostlyucid.LlmBackend.Spend;
using Mostlyucid.LlmBackend.Telemetry;

namespace Mostlyucid.LlmBackend.Streaming;

/// <summary>
/// A streamed chat over its plan: fails over (and hedges a slow first token) invisibly until the first update; after output
/// reached the caller, a break is continued on a backend that can take an assistant prefill (the text already sent) or by
/// replay and skip on one that cannot, or ends with an error naming the cause and saying the answer is incomplete — never
/// a quietly shorter stream and never a splice of text that does not follow on. Each update says which backend sent it.
/// </summary>
internal sealed class StreamRunner
{
    private readonly BackendRegistry _registry;
    private readonly StreamOpener _opener;
    private readonly AttemptRecorder _recorder;
    private readonly RequestCounters _counters;
    private readonly ContextWindows _windows;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public StreamRunner(BackendRegistry registry, StreamOpener opener, AttemptRecorder recorder, RequestCounters counters, ContextWindows windows, TimeProvider time, ILogger logger)
    {
        _windows = windows;
        _registry = registry;
        _opener = opener;
        _recorder = recorder;
        _counters = counters;
        _time = time;
        _logger = logger;
    }

    /// <summary>Streams the request over the planned backends.</summary>
    /// <param name="plan">The backends, in order.</param>
    /// <param name="request">The request as the backends get it.</param>
    /// <param name="route">The route the request came by, if any.</param>
    /// <param name="cancellationToken">The caller's cancellation.</param>
    /// <returns>The updates.</returns>
    /// <exception cref="LlmBackendException">No backend could answer, or the stream broke and could not be completed.</exception>
    public async IAsyncEnumerable<ChatStreamUpdate> StreamAsync(IReadOnlyList<BackendEntry> plan, ChatRequest request, RouteConfig? route, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();

        // The request's span, current when the stream is opened. Later reads run in the caller's context, so it is made
        // current again before a continuation is opened, to be the continuation's parent (telemetry).
        var requestSpan = Activity.Current;
        var resilience = _registry.Settings.Resilience;
        using var deadline = new RequestDeadline(TimeSpan.FromSeconds(resilience.RequestDeadlineSeconds), _time, cancellationToken);
        var attempts = new AttemptLog();
        var queue = new PlanQueue(plan, _windows);
        var counted = false;
        var (current, error) = await _opener.OpenAsync(queue, request, route, sent: null, attempts, deadline, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            _counters.Failed();
            Log.AllBackendsFailed(_logger, attempts.Count, error!.Message);
            throw new LlmBackendException(error, attempts.Items);
        }

        var sent = new StringBuilder();
        var sentToolCalls = false;
        LlmError? breakCause = null;
        LlmError? continuationBroke = null;
        var continuationPlanned = false;
        string? model = null;
        var attemptCharacters = 0;
        try
        {
            var update = current.First;
            while (true)
            {
                while (update is not null)
                {
                    update.BackendUsed = current.Entry.Name;
                    update.Attempt = attempts.Count + 1;
                    update.Attempts = attempts.Items;
                    attemptCharacters += update.ContentDelta?.Length ?? 0;
                    model = update.ModelUsed ?? model;
                    sent.Append(update.ContentDelta);
                    sentToolCalls |= update.ToolCalls is { Count: > 0 };
                    yield return update;
                    (update, error) = await NextAsync(current, deadline, cancellationToken).ConfigureAwait(false);
                    if (error is not null)
                    {
                        break;
                    }
                }

                if (error is null)
                {
                    current.Settled = true;
                    _recorder.Record(current.Entry, attempts, model ?? request.Model ?? current.Entry.Config.ModelName, current.Started, current.TimeToFirstTokenMs, null, role: current.Role);
                    current.EndSpan(null, model);
                    var total = _recorder.ElapsedMs(started);
                    Log.RequestAnswered(_logger, current.Entry.Name, model ?? "unknown", total, attempts.Count);
                    _counters.Succeeded(attempts.FailedOver);
                    counted = true;
                    yield break;
                }

                // The stream broke after output reached the caller: record it (with what the provider will bill for the text it
                // sent), then continue elsewhere or say it is incomplete.
                current.Settled = true;
                var promptTokens = TokenEstimate.Of(request);
                var billed = new LlmUsage { PromptTokens = promptTokens, CompletionTokens = TokenEstimate.Of(attemptCharacters), TotalTokens = promptTokens + TokenEstimate.Of(attemptCharacters) };
                error = _recorder.Record(current.Entry, attempts, model ?? current.Entry.Config.ModelName, current.Started, current.TimeToFirstTokenMs, error, billed, current.Role)!;
                current.EndSpan(error);
                attemptCharacters = 0;
                continuationBroke = breakCause is null ? null : error;
                breakCause ??= error;
                var brokenBackend = current.Entry.Name;
                await current.DisposeAsync().ConfigureAwait(false);
                current = null;
                LlmError? continuationError = null;
                if (resilience.ContinueBrokenStreams && !sentToolCalls && sent.Length > 0)
                {
                    if (!continuationPlanned)
                    {
                        // Planned at the first break only, so each backend gets at most one continuation attempt.
                        queue = StreamOpener.ContinuationOrder(queue, plan, brokenBackend, attempts);
                        continuationPlanned = true;
                    }

                    var tried = attempts.Count;
                    if (requestSpan is { IsStopped: false } && Activity.Current != requestSpan)
                    {
                        Activity.Current = requestSpan;
                    }

                    (current, continuationError) = await _opener.OpenAsync(queue, request, route, sent.ToString(), attempts, deadline, cancellationToken).ConfigureAwait(false);
                    if (attempts.Count == tried)
                    {
                        // Nothing left could continue it: that, not "no backend could be tried", is the reason.
                        continuationError = null;
                    }
                }

                if (current is null)
                {
                    var incomplete = RequestErrors.Incomplete(breakCause, sent.Length, sentToolCalls, continuationError, continuationBroke);
                    Log.AllBackendsFailed(_logger, attempts.Count, incomplete.Message);
                    _counters.Failed();
                    counted = true;
                    throw new LlmBackendException(incomplete, attempts.Items);
                }

                Log.StreamContinued(_logger, breakCause.BackendName ?? "unknown", current.Entry.Name, sent.Length, current.Role == AttemptRole.ReplayContinuation ? "by replaying the request and skipping the text already sent" : "with the text already sent as an assistant prefill");
                update = current.First;
                error = null;

                // A prefill continuation often restarts with the space the prefill ended with; the caller already has that space.
                if (current.Role == AttemptRole.PrefillContinuation && update?.ContentDelta is { Length: > 0 } resumed && sent.Length > 0 && char.IsWhiteSpace(sent[^1]) && char.IsWhiteSpace(resumed[0]))
                {
                    update.ContentDelta = resumed.TrimStart();
                }
            }
        }
        finally
        {
            if (current is not null)
            {
                await current.DisposeAsync().ConfigureAwait(false);
            }

            if (!counted && cancellationToken.IsCancellationRequested)
            {
                _counters.Failed();
            }
        }
    }

    /// <summary>
    /// The stream's next update under its stall limit. The request's deadline running out mid-answer is reported as a
    /// timeout error (so the caller gets an error frame, not a cut connection); only the caller's own cancellation is
    /// rethrown.
    /// </summary>
    private async Task<(ChatStreamUpdate? Update, LlmError? Error)> NextAsync(StreamAttempt current, RequestDeadline deadline, CancellationToken cancellationToken)
    {
        var resilience = _registry.Settings.Resilience;
        var idle = TimeSpan.FromSeconds(current.Entry.Config.IdleTimeoutSeconds ?? resilience.IdleTimeoutSeconds);
        try
        {
            return await current.NextAsync(idle, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && deadline.Expired)
        {
            return (null, RequestErrors.DeadlineExpired(resilience.RequestDeadlineSeconds, null) with { BackendName = current.Entry.Name });
        }
    }
}
