using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Telemetry;

/// <summary>The fixed strings recorded for the library's enums, so recording a value never allocates.</summary>
internal static class TelemetryValues
{
    private static readonly string[] StopReasons = { FinishReasons.Stop };
    private static readonly string[] LengthReasons = { FinishReasons.Length };
    private static readonly string[] ToolCallReasons = { FinishReasons.ToolCalls };
    private static readonly string[] ContentFilterReasons = { FinishReasons.ContentFilter };

    /// <summary>Gets <c>error.type</c> for an error: its <see cref="LlmErrorKind"/> in snake_case.</summary>
    public static string ErrorType(LlmErrorKind kind) => kind switch
    {
        LlmErrorKind.InvalidRequest => "invalid_request",
        LlmErrorKind.Unauthorized => "unauthorized",
        LlmErrorKind.Forbidden => "forbidden",
        LlmErrorKind.NotFound => "not_found",
        LlmErrorKind.RateLimited => "rate_limited",
        LlmErrorKind.ContextLengthExceeded => "context_length_exceeded",
        LlmErrorKind.ContentFiltered => "content_filtered",
        LlmErrorKind.ServerError => "server_error",
        LlmErrorKind.Timeout => "timeout",
        LlmErrorKind.Network => "network",
        LlmErrorKind.InvalidResponse => "invalid_response",
        LlmErrorKind.NoBackendAvailable => "no_backend_available",
        LlmErrorKind.CircuitOpen => "circuit_open",
        LlmErrorKind.Internal => "internal",
        LlmErrorKind.BudgetExceeded => "budget_exceeded",
        LlmErrorKind.Unreachable => "unreachable",
        _ => "unknown",
    };

    /// <summary>Gets <c>llmb.cache</c> for what the response cache did.</summary>
    public static string Of(LlmCacheOutcome outcome) => outcome switch
    {
        LlmCacheOutcome.Hit => "hit",
        LlmCacheOutcome.Miss => "miss",
        _ => "bypass",
    };

    /// <summary>Gets <c>llmb.attempt.role</c> for a role.</summary>
    public static string Role(AttemptRole role) => role switch
    {
        AttemptRole.Hedge => "hedge",
        AttemptRole.PrefillContinuation => "prefill_continuation",
        AttemptRole.ReplayContinuation => "replay_continuation",
        _ => "request",
    };

    /// <summary>Gets <c>llmb.attempt.outcome</c> for a recorded attempt: success, cancelled (a hedge's loser) or its error type.</summary>
    public static string Outcome(BackendAttempt attempt) =>
        attempt.Success ? TelemetryNames.Success
        : attempt.Cancelled ? TelemetryNames.Cancelled
        : attempt.Error is { } error ? ErrorType(error.Kind)
        : "unknown";

    /// <summary>Gets <c>llmb.breaker.state</c> for a circuit state.</summary>
    public static string BreakerState(Resilience.CircuitState state) => state switch
    {
        Resilience.CircuitState.Open => "open",
        Resilience.CircuitState.HalfOpen => "half_open",
        _ => "closed",
    };

    /// <summary>Gets <c>gen_ai.response.finish_reasons</c> for a finish reason (one array per well-known reason, shared).</summary>
    public static string[] FinishReasonsOf(string reason) => reason switch
    {
        FinishReasons.Stop => StopReasons,
        FinishReasons.Length => LengthReasons,
        FinishReasons.ToolCalls => ToolCallReasons,
        FinishReasons.ContentFilter => ContentFilterReasons,
        _ => new[] { reason },
    };
}
