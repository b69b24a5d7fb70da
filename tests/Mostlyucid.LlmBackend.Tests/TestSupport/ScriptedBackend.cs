using System.Runtime.CompilerServices;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Resilience;

namespace Mostlyucid.LlmBackend.Tests.TestSupport;

/// <summary>
/// A backend for resilience tests: it answers <see cref="Story"/> word by word, shows the queued <see cref="Fault"/>s one
/// call at a time (or <see cref="Always"/>, or an outage until a time), waits on the injected clock, continues a trailing
/// assistant prefill after as many words as it holds, and logs every call.
/// </summary>
public sealed class ScriptedBackend : ILlmBackend, IStreamingLlmBackend, ILlmBackendCapabilities
{
    /// <summary>The answer every scripted backend gives: 60 numbered words.</summary>
    public static readonly string Story = string.Join(' ', Enumerable.Range(1, 60).Select(i => $"w{i:00}"));

    private readonly TimeProvider _time;
    private readonly object _gate = new();

    public ScriptedBackend(string name, TimeProvider time)
    {
        Name = name;
        _time = time;
    }

    public string Name { get; }

    public Queue<Fault> Faults { get; } = new();

    /// <summary>Gets or sets a fault shown on every call (after the queued ones are used up).</summary>
    public Fault? Always { get; set; }

    /// <summary>Gets or sets a time until which every call answers 503 (an outage).</summary>
    public DateTimeOffset? OutageUntil { get; set; }

    public bool SupportsAssistantPrefill { get; set; }

    /// <summary>Gets or sets the answer this backend gives, sent a word (and its following space) per update.</summary>
    public string Answer { get; set; } = Story;

    /// <summary>Gets when each call arrived and whether it carried a prefill.</summary>
    public List<(DateTimeOffset At, bool Prefill)> Calls { get; } = new();

    public Task<bool> IsAvailableAsync(CancellationToken cancellationToken = default) => Task.FromResult(true);

    public Task<BackendHealth> GetHealthAsync() => Task.FromResult(new BackendHealth { BackendName = Name });

    public Task<LlmResponse> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default) =>
        ChatAsync(new ChatRequest { Messages = { new ChatMessage { Content = request.Prompt } } }, cancellationToken);

    public async Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        var accumulator = new ChatStreamAccumulator();
        try
        {
            await foreach (var update in StreamChatAsync(request, cancellationToken))
            {
                accumulator.Add(update);
            }
        }
        catch (LlmBackendException ex)
        {
            return new LlmResponse { Success = false, Error = ex.Error, ErrorMessage = ex.Error.Message, BackendUsed = Name };
        }

        return accumulator.ToResponse();
    }

    public async IAsyncEnumerable<ChatStreamUpdate> StreamChatAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var prefill = request.Messages.Count > 0 && request.Messages[^1].Role == ChatRole.Assistant ? request.Messages[^1].GetText() : null;
        Fault? fault;
        lock (_gate)
        {
            Calls.Add((_time.GetUtcNow(), prefill is not null));
            fault = Faults.Count > 0 ? Faults.Dequeue() : Always;
        }

        if (OutageUntil is { } until && _time.GetUtcNow() < until)
        {
            fault = new Fault.Status(503);
        }

        switch (fault)
        {
            case Fault.Status status:
                throw Error(status.Code switch { 429 => LlmErrorKind.RateLimited, >= 500 => LlmErrorKind.ServerError, _ => LlmErrorClassifier.FromStatus(status.Code, status.ProviderCode, null) }, $"HTTP {status.Code} from {Name}", status.Code, status.RetryAfter, status.ProviderCode);
            case Fault.Unreachable:
                throw Error(LlmErrorKind.Unreachable, $"{Name}: connection refused", null);
            case Fault.Reset:
                throw Error(LlmErrorKind.Network, $"{Name}: connection reset by peer", null);
            case Fault.Silent:
                await Task.Delay(Timeout.InfiniteTimeSpan, _time, cancellationToken);
                break;
            case Fault.SlowFirstToken slow:
                await Task.Delay(slow.Delay, _time, cancellationToken);
                break;
            case Fault.RejectPrefill when prefill is not null:
                throw Error(LlmErrorKind.InvalidRequest, $"{Name}: a final assistant message is not supported", 400);
        }

        var words = Answer.Split(' ');
        var start = prefill is null ? 0 : prefill.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        for (var i = start; i < words.Length; i++)
        {
            var sent = i - start;
            if (fault is Fault.CutAfter cut && sent == cut.Words)
            {
                throw Error(LlmErrorKind.Network, $"{Name}: the connection closed mid-stream", null);
            }

            if (fault is Fault.StallAfter stall && sent == stall.Words)
            {
                await Task.Delay(stall.Pause, _time, cancellationToken);
            }

            if (fault is Fault.MalformedAt malformed && sent + 1 == malformed.Event)
            {
                throw Error(LlmErrorKind.InvalidResponse, $"{Name}: a stream event is not valid JSON", null);
            }

            yield return new ChatStreamUpdate { ContentDelta = i + 1 < words.Length ? words[i] + " " : words[i], ModelUsed = Name + "-model" };
            await Task.Yield();
        }

        yield return new ChatStreamUpdate
        {
            FinishReason = FinishReasons.Stop,
            ModelUsed = Name + "-model",
            Usage = new LlmUsage { PromptTokens = 5, CompletionTokens = words.Length - start, TotalTokens = 5 + words.Length - start },
        };
    }

    private LlmBackendException Error(LlmErrorKind kind, string message, int? status, TimeSpan? retryAfter = null, string? code = null) =>
        new(new LlmError { Kind = kind, Message = message, StatusCode = status, RetryAfter = retryAfter, ProviderCode = code, BackendName = Name }, Array.Empty<BackendAttempt>());
}
