using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Routing;

namespace Mostlyucid.LlmBackend.Resilience;

/// <summary>The errors a request's pipeline reports itself (as opposed to those a backend reported), each saying what to do.</summary>
internal static class RequestErrors
{
    /// <summary>
    /// The request's final error: the last failure, with every failed attempt listed when there were several (rate limited
    /// everywhere is reported as rate limited, with the shortest wait).
    /// </summary>
    public static LlmError? Summarize(AttemptLog attempts, LlmError? last)
    {
        if (last is null)
        {
            return null;
        }

        var errors = attempts.Errors();
        if (errors.Count <= 1)
        {
            return last;
        }

        var allRateLimited = errors.All(e => e.Kind is LlmErrorKind.RateLimited or LlmErrorKind.CircuitOpen) && errors.Any(e => e.Kind == LlmErrorKind.RateLimited);
        return last with
        {
            Kind = allRateLimited ? LlmErrorKind.RateLimited : last.Kind,
            RetryAfter = allRateLimited ? errors.Where(e => e.RetryAfter is not null).Min(e => e.RetryAfter) : last.RetryAfter,
            Message = $"All {errors.Count} attempts failed ({string.Join(", ", errors.Select(e => e.BackendName).Distinct())}): " + string.Join(" | ", errors.Select(e => e.Message)),
        };
    }

    /// <summary>The request's deadline ran out.</summary>
    public static LlmError DeadlineExpired(int deadlineSeconds, LlmError? last) => new()
    {
        Kind = LlmErrorKind.Timeout,
        Message = $"The request did not finish within its deadline of {deadlineSeconds} s (Resilience:RequestDeadlineSeconds)." + (last is null ? string.Empty : $" Last failure: {last.Message}"),
        BackendName = last?.BackendName,
        StatusCode = last?.StatusCode,
    };

    /// <summary>A backend was skipped: its circuit is open.</summary>
    public static LlmError CircuitOpen(BackendEntry entry) => new()
    {
        Kind = LlmErrorKind.CircuitOpen,
        Message = $"Backend '{entry.Name}' is skipped: its circuit is open after repeated failures; it is probed again in {Math.Ceiling(entry.Breaker.UntilProbe.TotalSeconds)} s.",
        RetryAfter = entry.Breaker.UntilProbe,
        BackendName = entry.Name,
    };

    /// <summary>An attempt ran out of its time limit.</summary>
    public static LlmError TimedOut(BackendEntry entry, TimeSpan timeout) => new()
    {
        Kind = LlmErrorKind.Timeout,
        Message = $"Backend '{entry.Name}' did not answer within {timeout.TotalSeconds:0.###} s (its TimeoutSeconds, else LlmSettings:TimeoutSeconds).",
        BackendName = entry.Name,
    };

    /// <summary>Nothing could be tried (or nothing was left with a larger context window).</summary>
    public static LlmError NothingTried(bool neededLargerContext) => new()
    {
        Kind = LlmErrorKind.NoBackendAvailable,
        Message = neededLargerContext
            ? "The prompt does not fit the context window, and no remaining backend has a larger one (set MaxInputTokens on backends to let the router pick larger ones)."
            : "No backend could be tried.",
    };

    /// <summary>The error in a backend's answer, typed from its error code when the backend gave no typed error.</summary>
    public static LlmError? Of(BackendEntry entry, LlmResponse? response)
    {
        if (response is null)
        {
            return new LlmError { Kind = LlmErrorKind.InvalidResponse, Message = $"Backend '{entry.Name}' returned no response.", BackendName = entry.Name };
        }

        if (response.Success)
        {
            return null;
        }

        if (response.Error is { } typed)
        {
            return typed.BackendName is null ? typed with { BackendName = entry.Name } : typed;
        }

        var (kind, status) = LlmErrorClassifier.FromErrorCode(response.ErrorCode, response.ErrorMessage);
        return new LlmError
        {
            Kind = kind,
            StatusCode = status,
            ProviderCode = response.ErrorCode,
            Message = $"Backend '{entry.Name}' failed: {response.ErrorMessage ?? response.ErrorCode ?? "no error message"}",
            BackendName = entry.Name,
        };
    }

    /// <summary>A stream broke after output reached the caller and could not be completed.</summary>
    public static LlmError Incomplete(LlmError cause, int characters, bool toolCalls, LlmError? continuation, LlmError? continuationBroke)
    {
        var why = toolCalls
            ? "A tool call was being streamed, which cannot be continued elsewhere."
            : continuation is not null
                ? $"Continuing it elsewhere failed: {continuation.Message}"
                : continuationBroke is not null
                    ? $"It was continued on backend '{continuationBroke.BackendName}', which broke too ({continuationBroke.Message}), and no other backend can continue it."
                    : "No remaining backend can continue a partial answer (SupportsAssistantPrefill), so it was not continued.";
        return cause with
        {
            Message = $"The stream from backend '{cause.BackendName}' broke after {characters} characters of output: {cause.Message} {why} The answer is incomplete.",
        };
    }
}
