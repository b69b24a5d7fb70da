namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>
/// The response cache (<c>LlmSettings:Caching</c>): an identical request is answered from the cache, with no backend
/// call and no spend. The names <c>Provider</c>, <c>ExpirationMinutes</c>, <c>MaxCacheSizeMb</c> and <c>KeyPrefix</c> are
/// the original library's. See docs/caching.md.
/// </summary>
public sealed class CachingSettings
{
    /// <summary>The in-process provider's name.</summary>
    public const string MemoryProvider = "Memory";

    /// <summary>The shared provider's name (package <c>Mostlyucid.LlmBackend.Redis</c>, <c>LlmSettings:Redis</c>).</summary>
    public const string RedisProvider = "Redis";

    /// <summary>
    /// Gets or sets whether responses are cached. <value>The default is <see langword="false"/> for the library (an
    /// application opts in); the gateway turns it on.</value>
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Gets or sets where answers are kept: <c>Memory</c> (this process, bounded by <see cref="MaxCacheSizeMb"/>) or
    /// <c>Redis</c> (shared by every instance; needs <c>LlmSettings:Redis:ConnectionString</c>). <value>The default is
    /// <c>Memory</c>.</value>
    /// </summary>
    public string Provider { get; set; } = MemoryProvider;

    /// <summary>Gets or sets how long an answer is kept, in minutes. <value>The default is 60.</value></summary>
    public int ExpirationMinutes { get; set; } = 60;

    /// <summary>Gets or sets the most the memory provider keeps, in megabytes of stored answers; the oldest go first. <value>The default is 100.</value></summary>
    public int MaxCacheSizeMb { get; set; } = 100;

    /// <summary>Gets or sets what every cache key starts with (to share one Redis between applications). <value>The default is <c>llmb:cache:</c>.</value></summary>
    public string KeyPrefix { get; set; } = "llmb:cache:";

    /// <summary>
    /// Gets or sets who shares cached answers: <see cref="CacheScope.Shared"/> (every caller) or
    /// <see cref="CacheScope.Caller"/> (each caller — a gateway key — its own). <value>The default is <see cref="CacheScope.Shared"/>.</value>
    /// </summary>
    public CacheScope Scope { get; set; } = CacheScope.Shared;

    /// <summary>
    /// Gets or sets which requests are cached without being asked to: <see cref="CacheableRequests.Deterministic"/>
    /// (temperature 0 or a seed; embeddings) or <see cref="CacheableRequests.All"/>. <value>The default is <see cref="CacheableRequests.Deterministic"/>.</value>
    /// </summary>
    public CacheableRequests CacheableRequests { get; set; } = CacheableRequests.Deterministic;
}
