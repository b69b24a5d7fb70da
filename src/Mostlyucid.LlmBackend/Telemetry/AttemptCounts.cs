using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Telemetry;

/// <summary>
/// What a request's attempts were, by kind: a <b>retry</b> tried a backend already tried in the same role; a <b>hedge</b>
/// was started beside a slow backend; a <b>continuation</b> continued a broken stream; a <b>failover</b> is any other
/// attempt after the first (the request moved on to another backend).
/// </summary>
internal readonly record struct AttemptCounts(int Attempts, int Failovers, int Retries, int Hedges, int Continuations)
{
    /// <summary>Counts a request's attempts (read once the request is over).</summary>
    public static AttemptCounts Of(IReadOnlyList<BackendAttempt>? attempts)
    {
        if (attempts is null || attempts.Count == 0)
        {
            return default;
        }

        int failovers = 0, retries = 0, hedges = 0, continuations = 0;
        for (var i = 0; i < attempts.Count; i++)
        {
            switch (Kind(attempts, i))
            {
                case AttemptKind.Failover:
                    failovers++;
                    break;
                case AttemptKind.Retry:
                    retries++;
                    break;
                case AttemptKind.Hedge:
                    hedges++;
                    break;
                case AttemptKind.Continuation:
                    continuations++;
                    break;
            }
        }

        return new AttemptCounts(attempts.Count, failovers, retries, hedges, continuations);
    }

    /// <summary>Gets what the attempt at <paramref name="index"/> was.</summary>
    public static AttemptKind Kind(IReadOnlyList<BackendAttempt> attempts, int index)
    {
        var attempt = attempts[index];
        for (var i = 0; i < index; i++)
        {
            if (attempts[i].Role == attempt.Role && string.Equals(attempts[i].BackendName, attempt.BackendName, StringComparison.Ordinal))
            {
                return AttemptKind.Retry;
            }
        }

        return attempt.Role switch
        {
            AttemptRole.Hedge => AttemptKind.Hedge,
            AttemptRole.PrefillContinuation or AttemptRole.ReplayContinuation => AttemptKind.Continuation,
            _ => index == 0 ? AttemptKind.First : AttemptKind.Failover,
        };
    }
}

/// <summary>What one attempt of a request was (see <see cref="AttemptCounts"/>).</summary>
internal enum AttemptKind
{
    /// <summary>The request's first attempt.</summary>
    First,

    /// <summary>The request moved on to another backend.</summary>
    Failover,

    /// <summary>A backend tried again in the same role.</summary>
    Retry,

    /// <summary>Started beside a slow backend.</summary>
    Hedge,

    /// <summary>Continued a broken stream.</summary>
    Continuation,
}
