namespace Mostlyucid.LlmBackend.Caching;

/// <summary>What the cache does for one request: look an answer up, store the fresh one, both, or neither.</summary>
/// <param name="Read">Whether to answer from the cache when it has the answer.</param>
/// <param name="Write">Whether to store a complete fresh answer.</param>
internal readonly record struct CacheDecision(bool Read, bool Write)
{
    /// <summary>Gets the decision to leave the cache alone.</summary>
    public static CacheDecision Bypass => default;

    /// <summary>Gets whether the cache is used at all.</summary>
    public bool Uses => Read || Write;
}
