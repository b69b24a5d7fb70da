namespace Mostlyucid.LlmBackend.Models;

/// <summary>
/// What one request asks of the response cache (<see cref="LlmCallContext.CacheControl"/>; the gateway reads it from
/// <c>Cache-Control</c> and <c>x-llmb-cache</c>). See docs/caching.md.
/// </summary>
public enum LlmCacheControl
{
    /// <summary>The configured policy decides: by default only deterministic requests are read from and written to the cache.</summary>
    Default = 0,

    /// <summary>Do not answer from the cache, but store the fresh answer (HTTP <c>Cache-Control: no-cache</c>; <c>x-llmb-cache: refresh</c>).</summary>
    Refresh,

    /// <summary>Neither read nor write the cache (HTTP <c>Cache-Control: no-store</c>; <c>x-llmb-cache: off</c>).</summary>
    Bypass,

    /// <summary>Read and write the cache even for a request the policy would not cache, such as one that samples (<c>x-llmb-cache: on</c>).</summary>
    Force,
}
