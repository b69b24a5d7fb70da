namespace Mostlyucid.LlmBackend.FakeProvider.Brain;

/// <summary>The failures the fake provider can be asked for, rendered by each format in its own error shape.</summary>
public enum FakeFailureKind
{
    /// <summary>The API key is missing or wrong (401).</summary>
    Unauthorized,

    /// <summary>The model does not exist (404).</summary>
    ModelNotFound,

    /// <summary>Too many requests (429, with Retry-After).</summary>
    RateLimited,

    /// <summary>The prompt is longer than the context window (400).</summary>
    ContextLengthExceeded,

    /// <summary>The content policy refused the request (400).</summary>
    ContentFiltered,

    /// <summary>The request is malformed (400).</summary>
    BadRequest,

    /// <summary>The provider failed (5xx).</summary>
    ServerError,

    /// <summary>A 200 whose body is not JSON.</summary>
    GarbageBody,
}
