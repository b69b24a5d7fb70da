using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Resilience;
using Mostlyucid.LlmBackend.Routing;

namespace Mostlyucid.LlmBackend.Streaming;

/// <summary>
/// Opens a stream on the next backend of a plan that works — its first update arrived within the first-token limit —
/// retrying per backend and failing over as one-shot requests do. To continue a broken stream it sends the text already
/// streamed as an assistant prefill, and only to backends that can continue one.
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

    /// <summary>Opens the stream (or its continuation, with <paramref name="prefill"/>).</summary>
    /// <returns>The open stream, or why none could be opened.</returns>
    public async Task<(StreamAttempt? Attempt, LlmError? Error)> OpenAsync(
        PlanQueue queue,
        ChatRequest request,
        string? prefill,
        AttemptLog attempts,
        RequestDeadline deadline,
        CancellationToken cancellationToken)
    {
        var settings = _registry.Settings;
        var toSend = prefill is null ? request : WithPrefill(request, prefill);
        LlmError? last = null;
        queue.ContextFloor = null;
        try
        {
            while (queue.Take() is { } entry)
            {
                if (prefill is not null && !SupportsPrefill(entry))
                {
                    continue;
                }

                StreamAttempt opened;
                if (prefill is null && settings.SelectionStrategy == BackendSelectionStrategy.Hedged && attempts.Count == 0 && queue.Peek() is { } second)
                {
                    opened = await _hedger.RaceAsync(entry, second, (e, ct) => _failover.WithRetriesAsync(e, c => OpenOnceAsync(e, toSend, attempts, c), ct), queue.Skip, deadline.Token).ConfigureAwait(false);
                }
                else
                {
                    opened = await _failover.WithRetriesAsync(entry, ct => OpenOnceAsync(entry, toSend, attempts, ct), deadline.Token).ConfigureAwait(false);
                }

                if (opened.Error is null)
                {
                    return (opened, null);
                }

                last = opened.Error;
                var disposition = LlmErrorClassifier.Disposition(last);
                if (disposition == ErrorDisposition.Fatal && prefill is null)
                {
                    break;
                }

                if (disposition == ErrorDisposition.FailOverToLargerContext)
                {
                    queue.NeedLargerThan(entry);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && deadline.Expired)
        {
            // Reported below: the deadline, not the last attempt, ended the request.
        }

        var error = prefill is null ? RequestErrors.Summarize(attempts, last) : last;
        if (!cancellationToken.IsCancellationRequested && deadline.Expired)
        {
            return (null, RequestErrors.DeadlineExpired(settings.Resilience.RequestDeadlineSeconds, error));
        }

        return (null, error ?? RequestErrors.NothingTried(neededLargerContext: false));
    }

    /// <summary>
    /// Where a broken stream may continue: the backends not tried yet, then those that failed before answering (their
    /// failure may have been passing), then the one that broke — each once, and none that refused the request for good
    /// (a fatal or context-length error).
    /// </summary>
    public static PlanQueue ContinuationOrder(PlanQueue untried, IReadOnlyList<BackendEntry> plan, string broken, AttemptLog attempts)
    {
        var refused = attempts.RefusedBackends();
        var remaining = untried.Remaining.ToList();
        var order = remaining.Concat(plan
            .Where(e => !remaining.Contains(e) && !refused.Contains(e.Name))
            .OrderBy(e => string.Equals(e.Name, broken, StringComparison.OrdinalIgnoreCase)));
        return new PlanQueue(order);
    }

    private static bool SupportsPrefill(BackendEntry entry) =>
        entry.Config.SupportsAssistantPrefill ?? (entry.State.Backend as ILlmBackendCapabilities)?.SupportsAssistantPrefill ?? false;

    private static ChatRequest WithPrefill(ChatRequest request, string prefill)
    {
        var copy = (ChatRequest)request.WithModel(request.Model);
        copy.Messages = new List<ChatMessage>(request.Messages) { new() { Role = ChatRole.Assistant, Content = prefill } };
        return copy;
    }

    private async Task<StreamAttempt> OpenOnceAsync(BackendEntry entry, ChatRequest request, AttemptLog attempts, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        if (!entry.Breaker.TryEnter())
        {
            return StreamAttempt.Failed(entry, AttemptRecorder.RecordCircuitOpen(entry, attempts));
        }

        StreamAttempt attempt;
        try
        {
            var firstToken = TimeSpan.FromSeconds(entry.Config.FirstTokenTimeoutSeconds ?? _registry.Settings.Resilience.FirstTokenTimeoutSeconds);
            attempt = await StreamAttempt.OpenAsync(entry, request, firstToken, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            entry.Breaker.Abandon();
            throw;
        }

        if (attempt.Error is not null)
        {
            attempt.Settled = true;
            attempt.Error = _recorder.Record(entry, attempts, request.Model ?? entry.Config.ModelName, started, null, attempt.Error);
        }

        return attempt;
    }
}
