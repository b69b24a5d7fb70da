using Microsoft.Extensions.DependencyInjection.Extensions;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Sqlite;

#pragma warning disable IDE0130 // Extension methods live in the DI namespace so they are found without an extra using.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Registers the SQLite usage store.</summary>
public static class SqliteServiceCollectionExtensions
{
    /// <summary>
    /// Makes <c>LlmSettings:Usage:Store</c> = <c>Sqlite</c> available: the usage ledger and budget spend in a SQLite file
    /// (<c>Usage:ConnectionString</c>: a path, default <c>data/llmb-usage.db</c> under the content root).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddLlmBackendSqlite(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IUsageStoreProvider, SqliteUsageStoreProvider>());
        return services;
    }
}
