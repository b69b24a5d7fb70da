using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;

namespace Mostlyucid.LlmBackend.Spend;

/// <summary>Picks the usage store <c>LlmSettings:Usage:Store</c> names among <c>Memory</c> and the registered store providers.</summary>
internal static class UsageStores
{
    private const string Setting = LlmSettings.SectionName + ":Usage";

    /// <summary>Checks the store settings; every problem names the setting.</summary>
    public static IEnumerable<string> Validate(UsageSettings settings, IReadOnlyList<IUsageStoreProvider> providers)
    {
        if (!settings.Enabled || string.Equals(settings.Store, UsageSettings.MemoryStore, StringComparison.OrdinalIgnoreCase))
        {
            return Array.Empty<string>();
        }

        return Find(settings, providers) is { } provider
            ? provider.Validate(settings)
            : new[]
            {
                $"{Setting}:Store: '{settings.Store}' is not a usage store that is available ({string.Join(", ", Names(providers))})." +
                NameSuggestions.DidYouMean(settings.Store, Names(providers)) +
                " Sqlite and PostgreSql come with the packages Mostlyucid.LlmBackend.Sqlite and Mostlyucid.LlmBackend.PostgreSql (services.AddLlmBackendSqlite(), AddLlmBackendPostgreSql()).",
            };
    }

    /// <summary>Makes the store.</summary>
    public static IUsageStore Create(UsageSettings settings, IReadOnlyList<IUsageStoreProvider> providers, string contentRoot) =>
        string.Equals(settings.Store, UsageSettings.MemoryStore, StringComparison.OrdinalIgnoreCase) || !settings.Enabled
            ? new InMemoryUsageStore()
            : (Find(settings, providers) ?? throw new InvalidOperationException($"{Setting}:Store '{settings.Store}' has no provider; the configuration check should have said so.")).Create(settings, contentRoot);

    private static IUsageStoreProvider? Find(UsageSettings settings, IReadOnlyList<IUsageStoreProvider> providers) =>
        providers.FirstOrDefault(p => string.Equals(p.Name, settings.Store?.Trim(), StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<string> Names(IReadOnlyList<IUsageStoreProvider> providers) => providers.Select(p => p.Name).Prepend(UsageSettings.MemoryStore);
}
