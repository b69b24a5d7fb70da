using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Caching;

/// <summary>
/// Which requests the cache serves (docs/caching.md). By default only those whose caller asked for one answer:
/// <c>temperature</c> 0 or a <c>seed</c> (chat and completions), and every embedding — a request that samples asks for a
/// fresh answer each time, and serving it a stored one would change what it means. <c>CacheableRequests: All</c> caches
/// every request; per request, <see cref="LlmCacheControl"/> refreshes, bypasses or forces the cache.
/// </summary>
internal sealed class CachePolicy
{
    private readonly CacheableRequests _cacheable;

    public CachePolicy(CacheableRequests cacheable)
    {
        _cacheable = cacheable;
    }

    /// <summary>Decides for a chat or completion request.</summary>
    /// <remarks>
    /// A chat request that asks for log probabilities is never cached, whatever it asks of the cache: a stored answer
    /// keeps its text and usage, not the per-token probabilities, so a hit could not give what was asked for.
    /// </remarks>
    public CacheDecision Decide(LlmRequestBase request, LlmCacheControl control) =>
        request is ChatRequest { Logprobs: true }
            ? CacheDecision.Bypass
            : Decide(_cacheable == CacheableRequests.All || request.Temperature == 0 || request.Seed is not null, control);

    /// <summary>Decides for an embedding request (the same input always embeds the same).</summary>
    public static CacheDecision DecideEmbedding(LlmCacheControl control) => Decide(cacheable: true, control);

    private static CacheDecision Decide(bool cacheable, LlmCacheControl control) => control switch
    {
        LlmCacheControl.Bypass => CacheDecision.Bypass,

        // Asked for a fresh answer: it replaces the stored one.
        LlmCacheControl.Refresh => new CacheDecision(Read: false, Write: true),
        LlmCacheControl.Force => new CacheDecision(Read: true, Write: true),
        _ => cacheable ? new CacheDecision(Read: true, Write: true) : CacheDecision.Bypass,
    };
}
