using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Security;
using Mostlyucid.LlmBackend.SharedState;

namespace Mostlyucid.LlmBackend.Caching;

/// <summary>Makes the response cache <c>LlmSettings:Caching</c> configures.</summary>
internal static class ResponseCaches
{
    private const long Megabyte = 1024 * 1024;

    /// <summary>
    /// Memory: an <see cref="MemoryDistributedCache"/> whose size limit is <c>MaxCacheSizeMb</c> (each answer counts its
    /// bytes; past the limit new answers are not kept until expired or compacted ones make room). Redis: the shared
    /// state's distributed cache.
    /// </summary>
    public static ResponseCache Create(CachingSettings settings, SharedStateHolder shared, SecretRedactor redactor, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger<ResponseCache>();
        var lifetime = TimeSpan.FromMinutes(settings.ExpirationMinutes);
        IDistributedCache store;
        string provider;
        if (string.Equals(settings.Provider?.Trim(), CachingSettings.RedisProvider, StringComparison.OrdinalIgnoreCase))
        {
            store = (shared.State ?? throw new InvalidOperationException($"{LlmSettings.SectionName}:Caching:Provider is Redis but no Redis is configured; the configuration check should have said so.")).Cache;
            provider = CachingSettings.RedisProvider;
        }
        else
        {
            store = new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions { SizeLimit = settings.MaxCacheSizeMb * Megabyte }));
            provider = CachingSettings.MemoryProvider;
        }

        CacheLog.Started(logger, provider, settings.ExpirationMinutes, settings.Scope, settings.CacheableRequests);
        return new ResponseCache(store, provider, lifetime, redactor, logger);
    }
}
