namespace Mostlyucid.LlmBackend.Models;

/// <summary>Why an attempt was made: the request itself, a hedge beside a slow backend, or the rescue of a broken stream.</summary>
public enum AttemptRole
{
    /// <summary>The request (or a retry of it), sent to the next backend of its plan.</summary>
    Request = 0,

    /// <summary>Started beside a backend that had produced no first token yet (first-token hedging, or the Hedged strategy); the first to answer wins.</summary>
    Hedge,

    /// <summary>Continues a broken stream: the text already sent was given to the backend as an assistant prefill to go on from.</summary>
    PrefillContinuation,

    /// <summary>
    /// Continues a broken stream on a backend that cannot take a prefill: the original request was sent again, the new
    /// answer was checked to begin with the text already sent, and only what follows it was streamed on.
    /// </summary>
    ReplayContinuation,
}
