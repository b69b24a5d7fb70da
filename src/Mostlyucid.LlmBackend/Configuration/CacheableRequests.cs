namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>Which requests the response cache serves without being asked to (<c>LlmSettings:Caching:CacheableRequests</c>).</summary>
public enum CacheableRequests
{
    /// <summary>
    /// Requests whose caller asked for one answer: chat and completions with <c>temperature</c> 0 or a <c>seed</c>, and
    /// every embedding. A request that samples is asking for a fresh answer each time.
    /// </summary>
    Deterministic = 0,

    /// <summary>Every chat, completion and embedding request.</summary>
    All,
}
