using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Interfaces;

/// <summary>
/// Makes the <see cref="IUsageStore"/> that <c>LlmSettings:Usage:Store</c> names. The store packages register one
/// (<c>AddLlmBackendSqlite()</c>, <c>AddLlmBackendPostgreSql()</c>); the core knows only <c>Memory</c>.
/// </summary>
public interface IUsageStoreProvider
{
    /// <summary>Gets the name <c>LlmSettings:Usage:Store</c> uses for this store (<c>Sqlite</c>, <c>PostgreSql</c>).</summary>
    string Name { get; }

    /// <summary>Checks the settings for this store; every problem names the setting.</summary>
    /// <param name="settings">The usage settings, with environment references expanded.</param>
    /// <returns>The problems; empty when the store can be made.</returns>
    IEnumerable<string> Validate(UsageSettings settings);

    /// <summary>Makes the store.</summary>
    /// <param name="settings">The usage settings.</param>
    /// <param name="contentRoot">The folder relative paths are resolved against.</param>
    IUsageStore Create(UsageSettings settings, string contentRoot);
}
