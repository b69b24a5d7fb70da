namespace Mostlyucid.LlmBackend.Models;

/// <summary>What the response cache did for a request (<see cref="LlmCallContext.CacheOutcome"/>; the gateway's <c>x-llmb-cache</c> response header).</summary>
public enum LlmCacheOutcome
{
    /// <summary>No cache stage saw the request (caching is off, or the request has not reached it yet).</summary>
    None = 0,

    /// <summary>Answered from the cache: no backend was called and nothing was spent.</summary>
    Hit,

    /// <summary>Looked up and not found (or refreshed): a backend answered, and a complete answer was stored.</summary>
    Miss,

    /// <summary>The cache was not used: the request asked not to, the policy does not cache it, or the cache was unreachable.</summary>
    Bypass,
}
