using System.Diagnostics;
using System.Runtime.CompilerServices;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Resilience;
using Mostlyucid.LlmBackend.Routing;
using Mostlyucid.LlmBackend.Telemetry;

namespace Mostlyucid.LlmBackend.Streaming;

/// <summary>
/// One backend's stream in flight, with its own cancellation: opening waits for the first update under the first-token
/// limit; each following update is awaited under the idle (stall) limit. Failures come back as typed errors, never as a
/// quietly shorter stream; the caller's cancellation is rethrown.
/// </summary>
internal sealed class StreamAttempt : IAsyncDisposable, IAttemptOutcome
{
    private readonly CancellationTokenSource? _cancellation;
    private readonly IAsyncEnumerator<ChatStreamUpdate>? _updates;
    private int _disposed;
    private readonly TimeProvider _time;

    private StreamAttempt(BackendEntry entry, CancellationTokenSource? cancellation, IAsyncEnumerator<ChatStreamUpdate>? updates, TimeProvider time, long started)
    {
        Entry = entry;
        _cancellation = cancellation;
        _updates = updates;
        _time = time;
        Started = started;
    }

    public BackendEntry Entry { get; }

    public long Started { get; }

    public long? TimeToFirstTokenMs { get; private set; }

    /// <summary>Gets the first update once opened (for a replayed continuation: the first update after the text already sent).</summary>
    public ChatStreamUpdate? First { get; internal set; }

    /// <summary>Gets or sets why the attempt was made.</summary>
    public AttemptRole Role { get; set; }

    /// <summary>
    /// Gets or sets whether the attempt's outcome has been recorded in its backend's circuit breaker. An attempt disposed
    /// unsettled — the caller went away, the consumer stopped reading, a hedge lost — gives back the breaker's probe slot
    /// it may hold, so a half-open circuit is not left waiting for an outcome that never comes.
    /// </summary>
    public bool Settled { get; set; }

    /// <summary>Gets why opening failed (the attempt is then already disposed).</summary>
    public LlmError? Error { get; set; }

    /// <summary>Gets or sets the attempt's span (<see cref="AttemptSpans"/>), open until its outcome is recorded or it is disposed.</summary>
    public Activity? Span { get; set; }

    /// <summary>Ends the attempt's span with its recorded outcome.</summary>
    /// <param name="error">The error recorded, or <see langword="null"/> for a success.</param>
    /// <param name="model">The model that answered, when known.</param>
    public void EndSpan(LlmError? error, string? model = null)
    {
        AttemptSpans.End(Span, error, model);
        Span = null;
    }

    /// <summary>An attempt that was not made (for example because the backend's circuit is open).</summary>
    public static StreamAttempt Failed(BackendEntry entry, LlmError error) => new(entry, null, null, TimeProvider.System, 0) { Error = error };

    /// <summary>Starts the backend's stream and waits for its first update.</summary>
    /// <param name="entry">The backend.</param>
    /// <param name="request">What to send it.</param>
    /// <param name="firstTokenTimeout">How long the first update may take.</param>
    /// <param name="time">The clock.</param>
    /// <param name="cancellationToken">This attempt's cancellation (a hedge's, which ends when its race does).</param>
    /// <param name="requestToken">
    /// The request's own cancellation (its deadline and the caller's): the stream stays tied to it for its whole life,
    /// after the race that opened it is over.
    /// </param>
    public static async Task<StreamAttempt> OpenAsync(BackendEntry entry, ChatRequest request, TimeSpan firstTokenTimeout, TimeProvider time, CancellationToken cancellationToken, CancellationToken requestToken = default)
    {
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, requestToken);
        var backend = entry.State.Backend!;
        var stream = backend is IStreamingLlmBackend streaming ? streaming.StreamChatAsync(request, cancellation.Token) : SingleUpdateAsync(backend, request, cancellation.Token);
        var attempt = new StreamAttempt(entry, cancellation, stream.GetAsyncEnumerator(cancellation.Token), time, time.GetTimestamp());
        var (first, error) = await attempt.MoveAsync(firstTokenTimeout, $"produced no first token within {firstTokenTimeout.TotalSeconds:0.###} s (FirstTokenTimeoutSeconds)", cancellationToken).ConfigureAwait(false);
        if (error is null && first is null)
        {
            error = new LlmError { Kind = LlmErrorKind.InvalidResponse, Message = $"Backend '{entry.Name}' ended its stream without any output.", BackendName = entry.Name };
        }

        if (error is not null)
        {
            attempt.Error = error;
            await attempt.DisposeAsync().ConfigureAwait(false);
            return attempt;
        }

        attempt.TimeToFirstTokenMs = (long)time.GetElapsedTime(attempt.Started).TotalMilliseconds;
        attempt.First = first;
        return attempt;
    }

    /// <summary>Waits for the next update under the stall limit; (null, null) when the stream ended normally.</summary>
    public Task<(ChatStreamUpdate? Update, LlmError? Error)> NextAsync(TimeSpan idleTimeout, CancellationToken cancellationToken) =>
        MoveAsync(idleTimeout, $"went quiet for {idleTimeout.TotalSeconds:0.###} s in the middle of its answer (IdleTimeoutSeconds)", cancellationToken);

    public async ValueTask DisposeAsync()
    {
        // Once only: a failed opening disposes its attempt at once, and a hedge's race may dispose the same loser again.
        if (_cancellation is null || _updates is null || Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        // Disposed before its outcome was recorded: a hedge's loser, or the caller stopped reading.
        AttemptSpans.Abandon(Span);
        Span = null;

        if (!Settled)
        {
            Entry.Breaker.Abandon();
        }

        try
        {
            await _cancellation.CancelAsync().ConfigureAwait(false);
            await _updates.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or LlmBackendException or HttpRequestException or IOException or NotSupportedException)
        {
            // Disposing a stream that failed or was cancelled may report it again; nothing more to do.
        }
        finally
        {
            _cancellation.Dispose();
        }
    }

    private async Task<(ChatStreamUpdate? Update, LlmError? Error)> MoveAsync(TimeSpan limit, string whenExpired, CancellationToken cancellationToken)
    {
        var expired = new StrongBox<bool>();
        using var timer = _time.CreateTimer(
            static state =>
            {
                var (attempt, flag) = ((StreamAttempt, StrongBox<bool>))state!;
                flag.Value = true;
                attempt.CancelQuietly();
            },
            (this, expired),
            limit,
            Timeout.InfiniteTimeSpan);
        RoutedAttempt.Enter(Entry.Metrics);
        try
        {
            return await _updates!.MoveNextAsync().ConfigureAwait(false) ? (_updates.Current, null) : (null, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            var error = expired.Value
                ? new LlmError { Kind = LlmErrorKind.Timeout, Message = $"Backend '{Entry.Name}' {whenExpired}.", BackendName = Entry.Name }
                : BackendExceptionErrors.From(Entry.Name, ex);
            return (null, error);
        }
        finally
        {
            RoutedAttempt.Exit();
        }
    }

    private void CancelQuietly()
    {
        try
        {
            _cancellation?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The attempt ended while the timer fired.
        }
    }

    private static async IAsyncEnumerable<ChatStreamUpdate> SingleUpdateAsync(ILlmBackend backend, ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var response = await backend.ChatAsync(request, cancellationToken).ConfigureAwait(false);
        if (response is null || !response.Success)
        {
            throw new LlmBackendException(
                response?.Error ?? new LlmError { Kind = LlmErrorClassifier.FromErrorCode(response?.ErrorCode, response?.ErrorMessage).Kind, Message = response?.ErrorMessage ?? $"Backend '{backend.Name}' returned no response.", BackendName = backend.Name },
                Array.Empty<BackendAttempt>());
        }

        yield return new ChatStreamUpdate
        {
            ContentDelta = response.Content,
            ReasoningDelta = response.Reasoning,
            ToolCalls = response.ToolCalls?.Select((call, index) => new ToolCallUpdate { Index = index, Id = call.Id, Name = call.Name, ArgumentsDelta = call.Arguments, Signature = call.Signature }).ToList(),
            FinishReason = response.FinishReason ?? FinishReasons.Stop,
            ModelUsed = response.ModelUsed,
            Usage = new LlmUsage { PromptTokens = response.PromptTokens, CompletionTokens = response.CompletionTokens, TotalTokens = response.TotalTokens, CachedPromptTokens = response.CachedPromptTokens, ReasoningTokens = response.ReasoningTokens },
        };
    }
}
