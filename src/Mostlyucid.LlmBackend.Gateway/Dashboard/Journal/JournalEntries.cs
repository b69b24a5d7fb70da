using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Security;

namespace Mostlyucid.LlmBackend.Gateway.Dashboard.Journal;

/// <summary>Makes <see cref="JournalEntry"/> values from what the pipeline recorded and how the gateway answered.</summary>
internal sealed class JournalEntries
{
    private const int MaxErrorLength = 300;

    private readonly SecretRedactor _redactor;

    /// <summary>Initializes a new instance of the <see cref="JournalEntries"/> class.</summary>
    /// <param name="redactor">Removes secrets from error messages.</param>
    public JournalEntries(SecretRedactor redactor)
    {
        _redactor = redactor;
    }

    /// <summary>Makes the entry of a request.</summary>
    /// <param name="requestId">The request id.</param>
    /// <param name="at">When it ended.</param>
    /// <param name="path">The endpoint's path; <see langword="null"/> outside the HTTP API.</param>
    /// <param name="status">The HTTP status (200 outside the HTTP API when it succeeded, else 500).</param>
    /// <param name="key">The key's name.</param>
    /// <param name="durationMs">How long it took, when the record does not say.</param>
    /// <param name="record">The ledger's record, when the request reached the pipeline.</param>
    /// <param name="attempts">The attempts the request made (with <paramref name="record"/>).</param>
    /// <returns>The entry.</returns>
    public JournalEntry Make(string requestId, DateTimeOffset at, string? path, int status, string? key, long durationMs, UsageRecord? record, IReadOnlyList<BackendAttempt>? attempts)
    {
        if (record is null)
        {
            return new JournalEntry { RequestId = requestId, Timestamp = at, Path = path, Status = status, Key = key, Outcome = status < 400 ? "succeeded" : "refused", DurationMs = durationMs };
        }

        var made = Attempts(attempts);
        return new JournalEntry
        {
            RequestId = requestId,
            Timestamp = at,
            Path = path,
            Status = status,
            Key = key ?? record.CallerName,
            Operation = record.Operation,
            RequestedModel = record.RequestedModel,
            Route = record.Route,
            Backend = record.Backend,
            Model = record.Model,
            Outcome = record.Outcome switch { UsageOutcome.Succeeded => "succeeded", UsageOutcome.Failed => "failed", _ => "cancelled" },
            ErrorKind = record.ErrorKind?.ToString(),
            PromptTokens = record.PromptTokens,
            CompletionTokens = record.CompletionTokens,
            CostUsd = record.CostUsd,
            DurationMs = record.DurationMs,
            TimeToFirstTokenMs = record.TimeToFirstTokenMs,
            Attempts = made,
            FailedOver = made.Any(a => a.Role == "failover"),
            Hedged = made.Any(a => a.Role == "hedge"),
            Continued = made.Any(a => a.Role.EndsWith("continuation", StringComparison.Ordinal)),
            CacheHit = record.CacheHit,
        };
    }

    /// <summary>Names each attempt's role: the first is the primary; a later plain attempt is a retry on the same backend and a failover on another.</summary>
    private JournalAttempt[] Attempts(IReadOnlyList<BackendAttempt>? attempts)
    {
        if (attempts is null || attempts.Count == 0)
        {
            return Array.Empty<JournalAttempt>();
        }

        var result = new JournalAttempt[attempts.Count];
        string? previous = null;
        for (var i = 0; i < attempts.Count; i++)
        {
            var attempt = attempts[i];
            var role = attempt.Role switch
            {
                AttemptRole.Hedge => "hedge",
                AttemptRole.PrefillContinuation => "prefill-continuation",
                AttemptRole.ReplayContinuation => "replay-continuation",
                _ when i == 0 => "primary",
                _ when string.Equals(previous, attempt.BackendName, StringComparison.Ordinal) => "retry",
                _ => "failover",
            };
            if (attempt.Role == AttemptRole.Request)
            {
                previous = attempt.BackendName;
            }

            result[i] = new JournalAttempt(
                attempt.BackendName,
                attempt.Model,
                role,
                attempt.Success,
                attempt.Cancelled,
                attempt.Error?.Kind.ToString(),
                attempt.Error is { } error ? Shorten(_redactor.Redact(error.Message)) : null,
                attempt.Error?.StatusCode,
                attempt.DurationMs,
                attempt.TimeToFirstTokenMs);
        }

        return result;
    }

    private static string Shorten(string text) => text.Length <= MaxErrorLength ? text : string.Concat(text.AsSpan(0, MaxErrorLength), "…");
}
