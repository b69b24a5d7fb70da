using Microsoft.Extensions.DependencyInjection.Extensions;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Redis;

#pragma warning disable IDE0130 // Extension methods live in the DI namespace so they are found without an extra using.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Registers Redis shared state.</summary>
public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// Makes <c>LlmSettings:Redis:ConnectionString</c> available: the response cache on Redis (<c>Caching:Provider</c> =
    /// <c>Redis</c>), budgets counted on spend counters every instance shares and, in the gateway, per-key limits shared
    /// by every instance. For example <c>127.0.0.1:6379,password=${LLMB_REDIS_PASSWORD}</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddLlmBackendRedis(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISharedStateProvider, RedisSharedStateProvider>());
        return services;
    }
}
