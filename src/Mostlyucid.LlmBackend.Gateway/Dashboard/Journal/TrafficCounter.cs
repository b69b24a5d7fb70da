namespace Mostlyucid.LlmBackend.Gateway.Dashboard.Journal;

/// <summary>What a <see cref="TrafficBucket"/> counts.</summary>
internal enum TrafficCounter
{
    /// <summary>Requests answered.</summary>
    Requests,

    /// <summary>Requests that ended in an error.</summary>
    Errors,

    /// <summary>Requests that failed over to another backend.</summary>
    Failovers,

    /// <summary>Requests that started a hedge.</summary>
    Hedges,

    /// <summary>Requests whose broken stream was continued.</summary>
    Continuations,

    /// <summary>Requests the response cache answered (no backend was called).</summary>
    CacheHits,

    /// <summary>The number of counters.</summary>
    Count,
}
