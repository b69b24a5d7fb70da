using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Security;
using Mostlyucid.LlmBackend.SharedState;

namespace Mostlyucid.LlmBackend.Caching;

/// <summary>Makes the response cache <c>LlmSettings:Caching</c> configures.</summary>
internal static class ResponseCaches
{
    private const long Megabyte = 1024 * 1024;

    /// <summary>
    /// Memory: a <see cref="BoundedMemoryCache"/> of <c>MaxCacheSizeMb</c> (each answer counts its bytes, its key and a
    /// header; past the bound the oldest answers not read since they were stored are dropped). Redis: the shared state's
    /// distributed cache.
    /// </summary>
    public static ResponseCache Create(CachingSettings settings, SharedStateHolder shared, SecretRedactor redactor, ILoggerFactory loggers, TimeProvider time)
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
            store = new BoundedMemoryCache(settings.MaxCacheSizeMb * Megabyte, time);
            provider = CachingSettings.MemoryProvider;
        }

        CacheLog.Started(logger, provider, settings.ExpirationMinutes, settings.Scope, settings.CacheableRequests);
        return new ResponseCache(store, provider, lifetime, redactor, logger);
    }
}
