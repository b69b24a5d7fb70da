namespace Mostlyucid.LlmBackend.Tests.TestSupport;

/// <summary>A misbehaviour a <see cref="ScriptedBackend"/> shows on one call (the provider faults of resilience-scenarios.md).</summary>
public abstract record Fault
{
    /// <summary>Answers with an HTTP error status (and Retry-After, when given).</summary>
    public sealed record Status(int Code, TimeSpan? RetryAfter = null, string? ProviderCode = null) : Fault;

    /// <summary>The connection is reset before any response.</summary>
    public sealed record Reset : Fault;

    /// <summary>Nothing listens at the backend's address (connection refused).</summary>
    public sealed record Unreachable : Fault;

    /// <summary>Accepts the request and never answers.</summary>
    public sealed record Silent : Fault;

    /// <summary>Answers, but only after a delay before the first token.</summary>
    public sealed record SlowFirstToken(TimeSpan Delay) : Fault;

    /// <summary>Streams this many words, then the connection dies without a terminator.</summary>
    public sealed record CutAfter(int Words) : Fault;

    /// <summary>Streams this many words, then goes silent for a while, then carries on.</summary>
    public sealed record StallAfter(int Words, TimeSpan Pause) : Fault;

    /// <summary>The given (1-based) stream event is not valid JSON.</summary>
    public sealed record MalformedAt(int Event) : Fault;

    /// <summary>Refuses a request that ends with an assistant prefill (400).</summary>
    public sealed record RejectPrefill : Fault;
}
