namespace Mostlyucid.LlmBackend.Resilience;

/// <summary>What to do after an attempt failed.</summary>
internal enum ErrorDisposition
{
    /// <summary>Try the same backend again after a delay (rate limits, 5xx, connection failures, garbled answers).</summary>
    RetrySameBackend = 0,

    /// <summary>Go to the next backend without retrying this one (a silent backend, an unknown model).</summary>
    FailOver,

    /// <summary>Go only to backends with a larger context window than this one (the prompt did not fit).</summary>
    FailOverToLargerContext,

    /// <summary>Stop: no other attempt would do better (bad request, content policy, credentials).</summary>
    Fatal,
}
