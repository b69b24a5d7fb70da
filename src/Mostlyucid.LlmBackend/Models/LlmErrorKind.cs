namespace Mostlyucid.LlmBackend.Models;

/// <summary>What went wrong with a request, independent of which provider reported it.</summary>
public enum LlmErrorKind
{
    /// <summary>The cause is not known (for example a plugin returned an unrecognised error code).</summary>
    Unknown = 0,

    /// <summary>The request itself is invalid (HTTP 400 and the like); sending it again will not help.</summary>
    InvalidRequest,

    /// <summary>The provider rejected the credentials (HTTP 401).</summary>
    Unauthorized,

    /// <summary>The credentials are valid but not allowed to do this (HTTP 403).</summary>
    Forbidden,

    /// <summary>The model or endpoint does not exist (HTTP 404).</summary>
    NotFound,

    /// <summary>The provider is rate limiting (HTTP 429); see <see cref="LlmError.RetryAfter"/>.</summary>
    RateLimited,

    /// <summary>The prompt does not fit the model's context window.</summary>
    ContextLengthExceeded,

    /// <summary>The provider's content policy refused the request or the answer.</summary>
    ContentFiltered,

    /// <summary>The provider failed (HTTP 5xx).</summary>
    ServerError,

    /// <summary>No answer arrived in time.</summary>
    Timeout,

    /// <summary>The connection failed or was reset.</summary>
    Network,

    /// <summary>The provider answered with bytes that could not be understood.</summary>
    InvalidResponse,

    /// <summary>No backend could be used (none configured, all disabled, or the named one does not exist).</summary>
    NoBackendAvailable,

    /// <summary>The backend's circuit is open after repeated failures; it is skipped until a probe finds it recovered.</summary>
    CircuitOpen,

    /// <summary>
    /// The library itself failed (a bug, or a request it could not encode) while calling a backend. It is not the
    /// backend's fault, so it never counts against the backend's health or circuit; the details are logged.
    /// </summary>
    Internal,

    /// <summary>
    /// A spending budget is used up (a caller's, a route's, or every candidate backend's): nothing was sent. See
    /// <see cref="LlmError.RetryAfter"/> for when the budget's period turns.
    /// </summary>
    BudgetExceeded,

    /// <summary>
    /// The backend could not be reached at all: nothing listens at its address (connection refused), its host name does
    /// not resolve, or the TLS handshake failed. Nothing was sent, and a retry moments later would find the same, so the
    /// request fails over at once.
    /// </summary>
    Unreachable,
}
