using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Resilience;
using Mostlyucid.LlmBackend.Routing;
using Mostlyucid.LlmBackend.Spend;
using Mostlyucid.LlmBackend.Telemetry;

namespace Mostlyucid.LlmBackend.Streaming;

/// <summary>
/// Opens a stream on the next backend of a plan that works — its first update arrived within the first-token limit —
/// retrying per backend and failing over as one-shot requests do, and hedging on the next backend when one is slow to
/// give its first token. To continue a broken stream it sends the text already streamed as an assistant prefill to a
/// backend that can continue one, or — replay and skip — the original request to one that cannot, using its new answer
/// only once it is seen to begin with that text.
/// </summary>
internal sealed class StreamOpener
{
    private readonly BackendRegistry _registry;
    private readonly AttemptRecorder _recorder;
    private readonly FailoverRunner _failover;
    private readonly Hedger _hedger;
    private readonly TimeProvider _time;

    public StreamOpener(BackendRegistry registry, AttemptRecorder recorder, FailoverRunner failover, Hedger hedger, TimeProvider time)
    {
        _registry = registry;
        _recorder = recorder;
        _failover = failover;
        _hedger = hedger;
        _time = time;
    }

    /// <summary>Opens the stream (or its continuation, when <paramref name="sent"/> is given).</summary>
    /// <param name="queue">The backends still to try.</param>
    /// <param name="request">The caller's request as the backends get it.</param>
    /// <param name="route">The route the request came by, if any (it may turn hedging off).</param>
    /// <param name="sent">The text already streamed to the caller, to continue from; <see langword="null"/> to open.</param>
    /// <param name="attempts">The request's attempts.</param>
    /// <param name="deadline">The request's deadline.</param>
    /// <param name="cancellationToken">The caller's cancellation.</param>
    /// <returns>The open stream, or why none could be opened.</returns>
    public async Task<(StreamAttempt? Attempt, LlmError? Error)> OpenAsync(
        PlanQueue queue,
        ChatRequest request,
        RouteConfig? route,
        string? sent,
        AttemptLog attempts,
        RequestDeadline deadline,
        CancellationToken cancellationToken)
    {
        var settings = _registry.Settings;
        var resilience = settings.Resilience;
        var withPrefill = sent is null ? null : WithPrefill(request, sent);
        LlmError? last = null;
        queue.ContextFloor = null;
        try
        {
            while (queue.Take() is { } entry)
            {
                var role = sent is null ? AttemptRole.Request : SupportsPrefill(entry) ? AttemptRole.PrefillContinuation : AttemptRole.ReplayContinuation;
                if (role == AttemptRole.ReplayContinuation && !resilience.ReplayBrokenStreams)
                {
                    continue;
                }

                var toSend = role == AttemptRole.PrefillContinuation ? withPrefill! : request;
                StreamAttempt opened;
                if (sent is null && queue.Peek() is { } second && HedgeDelay(entry, route, attempts) is { } delay)
                {
                    opened = await _hedger.RaceAsync(
                        entry,
                        second,
                        delay,
                        (e, ct) => _failover.WithRetriesAsync(e, c => OpenOnceAsync(e, toSend, attempts, e == entry ? role : AttemptRole.Hedge, c, deadline.Token), ct),
                        queue.Skip,
                        (loser, started) => _recorder.RecordCancelled(loser, attempts, request.Model ?? loser.Config.ModelName, started, TokenEstimate.Of(request), loser == entry ? role : AttemptRole.Hedge),
                        deadline.Token).ConfigureAwait(false);
                }
                else
                {
                    opened = await _failover.WithRetriesAsync(entry, ct => OpenOnceAsync(entry, toSend, attempts, role, ct, deadline.Token), deadline.Token).ConfigureAwait(false);
                    if (opened.Error is { Kind: LlmErrorKind.InvalidRequest } && role == AttemptRole.PrefillContinuation && resilience.ReplayBrokenStreams)
                    {
                        // It refused the prefill (said to take one, but does not): it can still regenerate the answer.
                        role = AttemptRole.ReplayContinuation;
                        opened = await _failover.WithRetriesAsync(entry, ct => OpenOnceAsync(entry, request, attempts, role, ct, deadline.Token), deadline.Token).ConfigureAwait(false);
                    }
                }

                if (opened.Error is null && role == AttemptRole.ReplayContinuation)
                {
                    opened = await SkipWhatWasSentAsync(opened, sent!, request, attempts, deadline, cancellationToken).ConfigureAwait(false);
                }

                if (opened.Error is null)
                {
                    return (opened, null);
                }

                last = opened.Error;
                var disposition = LlmErrorClassifier.Disposition(last);
                if (disposition == ErrorDisposition.Fatal && sent is null)
                {
                    break;
                }

                if (disposition == ErrorDisposition.FailOverToLargerContext)
                {
                    // After a race the failure may be the hedge's: its window is the one the prompt did not fit.
                    queue.NeedLargerThan(opened.Entry);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && deadline.Expired)
        {
            // Reported below: the deadline, not the last attempt, ended the request.
        }

        var error = sent is null ? RequestErrors.Summarize(attempts, last) : last;
        if (!cancellationToken.IsCancellationRequested && deadline.Expired)
        {
            return (null, RequestErrors.DeadlineExpired(resilience.RequestDeadlineSeconds, error));
        }

        return (null, error ?? RequestErrors.NothingTried(neededLargerContext: false));
    }

    /// <summary>
    /// Where a broken stream may continue: the backends not tried yet, then those that failed before answering (their
    /// failure may have been passing), then the one that broke — each once, and none that refused the request for good
    /// (a fatal or context-length error). Backends that can take a prefill come first: continuing costs them only the
    /// rest of the answer, where a replay regenerates all of it.
    /// </summary>
    public static PlanQueue ContinuationOrder(PlanQueue untried, IReadOnlyList<BackendEntry> plan, string broken, AttemptLog attempts)
    {
        var refused = attempts.RefusedBackends();
        var remaining = untried.Remaining.ToList();
        var order = remaining.Concat(plan
            .Where(e => !remaining.Contains(e) && !refused.Contains(e.Name))
            .OrderBy(e => string.Equals(e.Name, broken, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(e => !SupportsPrefill(e));
        return new PlanQueue(order, untried.Windows);
    }

    private static bool SupportsPrefill(BackendEntry entry) =>
        entry.Config.SupportsAssistantPrefill ?? (entry.State.Backend as ILlmBackendCapabilities)?.SupportsAssistantPrefill ?? false;

    private static ChatRequest WithPrefill(ChatRequest request, string prefill)
    {
        var copy = (ChatRequest)request.WithModel(request.Model);
        copy.Messages = new List<ChatMessage>(request.Messages) { new() { Role = ChatRole.Assistant, Content = prefill } };
        return copy;
    }

    /// <summary>
    /// How long to wait for <paramref name="entry"/>'s first token before hedging, or <see langword="null"/> not to hedge:
    /// the Hedged strategy's fixed delay for the plan's first backend, else first-token hedging's delay when it is on.
    /// </summary>
    private TimeSpan? HedgeDelay(BackendEntry entry, RouteConfig? route, AttemptLog attempts)
    {
        var resilience = _registry.Settings.Resilience;
        if ((route?.SelectionStrategy ?? _registry.Settings.SelectionStrategy) == BackendSelectionStrategy.Hedged && attempts.Count == 0)
        {
            return TimeSpan.FromMilliseconds(resilience.HedgingDelayMs);
        }

        return Hedger.HedgesFirstToken(entry, route, resilience.FirstTokenHedging) ? Hedger.FirstTokenDelay(entry, resilience.FirstTokenHedging) : null;
    }

    private async Task<StreamAttempt> OpenOnceAsync(BackendEntry entry, ChatRequest request, AttemptLog attempts, AttemptRole role, CancellationToken cancellationToken, CancellationToken requestToken)
    {
        var started = _time.GetTimestamp();
        if (!entry.Breaker.TryEnter())
        {
            return StreamAttempt.Failed(entry, AttemptRecorder.RecordCircuitOpen(entry, attempts));
        }

        // The attempt's span is current while the stream opens (the backend's HTTP spans nest under it) and stays open,
        // on the attempt, until the attempt's outcome is recorded.
        var model = request.Model ?? entry.Config.ModelName;
        var span = AttemptSpans.Start(entry, role, model);
        StreamAttempt attempt;
        try
        {
            var firstToken = TimeSpan.FromSeconds(entry.Config.FirstTokenTimeoutSeconds ?? _registry.Settings.Resilience.FirstTokenTimeoutSeconds);
            attempt = await StreamAttempt.OpenAsync(entry, request, firstToken, _time, cancellationToken, requestToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Cancelled, or the backend could not even start: no outcome to record, but a probe slot it held is given back.
            entry.Breaker.Abandon();
            AttemptSpans.Abandon(span, ex);
            throw;
        }

        attempt.Role = role;
        attempt.Span = span;
        if (attempt.Error is not null)
        {
            attempt.Settled = true;
            attempt.Error = _recorder.Record(entry, attempts, model, started, null, attempt.Error, role: role);
            attempt.EndSpan(attempt.Error);
        }
        else if (attempt.TimeToFirstTokenMs is { } firstTokenMs)
        {
            entry.Metrics.RecordTimeToFirstToken(firstTokenMs);
        }

        return attempt;
    }

    /// <summary>
    /// Reads a replayed answer until it is seen to begin with the text already sent (whitespace aside), and makes what
    /// follows its first update. An answer that begins differently, or with tool calls, is never spliced in: the attempt
    /// ends with an error saying so (the backend answered fine, so its health is untouched).
    /// </summary>
    private async Task<StreamAttempt> SkipWhatWasSentAsync(StreamAttempt replay, string sent, ChatRequest request, AttemptLog attempts, RequestDeadline deadline, CancellationToken cancellationToken)
    {
        var aligner = new ReplayAligner(sent);
        var idle = TimeSpan.FromSeconds(replay.Entry.Config.IdleTimeoutSeconds ?? _registry.Settings.Resilience.IdleTimeoutSeconds);
        var update = replay.First;
        ChatStreamUpdate? previous = null;
        var read = 0;
        string? why = null;
        while (why is null)
        {
            if (update is null)
            {
                if (aligner.Covered && previous is not null)
                {
                    // The regenerated answer is exactly what was sent: nothing more to say but how it finished.
                    previous.ContentDelta = string.Empty;
                    previous.ReasoningDelta = null;
                    replay.First = previous;
                    return replay;
                }

                why = "its new answer ended before it reached the text already sent";
                break;
            }

            if (update.ToolCalls is { Count: > 0 })
            {
                why = "its new answer called tools instead";
                break;
            }

            read += update.ContentDelta?.Length ?? 0;
            switch (aligner.Feed(update.ContentDelta, out var remainder))
            {
                case ReplayAligner.Step.Aligned:
                    update.ContentDelta = remainder;
                    update.ReasoningDelta = null;
                    replay.First = update;
                    return replay;
                case ReplayAligner.Step.Diverged:
                    why = "its new answer does not begin with the text already sent";
                    continue;
            }

            previous = update;
            LlmError? broke;
            try
            {
                (update, broke) = await replay.NextAsync(idle, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The deadline or the caller ended it: unsettled, so disposing gives back a probe slot it may hold.
                await replay.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            if (broke is not null)
            {
                replay.Settled = true;
                replay.Error = _recorder.Record(replay.Entry, attempts, request.Model ?? replay.Entry.Config.ModelName, replay.Started, replay.TimeToFirstTokenMs, broke, Billed(request, read), AttemptRole.ReplayContinuation);
                replay.EndSpan(replay.Error);
                await replay.DisposeAsync().ConfigureAwait(false);
                return replay;
            }
        }

        var error = new LlmError
        {
            Kind = LlmErrorKind.InvalidResponse,
            Message = $"Backend '{replay.Entry.Name}' could not continue the answer by replay: {why} ({sent.Length} characters), so none of it was used.",
            BackendName = replay.Entry.Name,
        };
        replay.Settled = true;
        replay.Error = _recorder.RecordNotUsed(replay.Entry, attempts, request.Model ?? replay.Entry.Config.ModelName, replay.Started, replay.TimeToFirstTokenMs, error, Billed(request, read), AttemptRole.ReplayContinuation);
        replay.EndSpan(replay.Error);
        await replay.DisposeAsync().ConfigureAwait(false);
        return replay;
    }

    private static LlmUsage Billed(ChatRequest request, int characters)
    {
        var prompt = TokenEstimate.Of(request);
        var completion = TokenEstimate.Of(characters);
        return new LlmUsage { PromptTokens = prompt, CompletionTokens = completion, TotalTokens = prompt + completion };
    }
}
