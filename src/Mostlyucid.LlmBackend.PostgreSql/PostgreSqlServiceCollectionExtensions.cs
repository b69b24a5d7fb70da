using Microsoft.Extensions.DependencyInjection.Extensions;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.PostgreSql;

#pragma warning disable IDE0130 // Extension methods live in the DI namespace so they are found without an extra using.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Registers the PostgreSQL usage store.</summary>
public static class PostgreSqlServiceCollectionExtensions
{
    /// <summary>
    /// Makes <c>LlmSettings:Usage:Store</c> = <c>PostgreSql</c> available: the usage ledger and budget spend in a PostgreSQL
    /// database that several instances share (<c>Usage:ConnectionString</c>, required: for example
    /// <c>Host=127.0.0.1;Port=5432;Database=llmb;Username=llmb;Password=${LLMB_PG_PASSWORD}</c>).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddLlmBackendPostgreSql(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IUsageStoreProvider, PostgreSqlUsageStoreProvider>());
        return services;
    }
}
