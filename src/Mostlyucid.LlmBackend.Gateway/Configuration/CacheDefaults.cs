using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace Mostlyucid.LlmBackend.Gateway.Configuration;

/// <summary>
/// The gateway caches responses by default (in memory; deterministic requests only — docs/caching.md), so identical
/// temperature-0 requests reach a provider once. Any configured <c>LlmSettings:Caching</c> value wins.
/// </summary>
internal static class CacheDefaults
{
    public static void Apply(ConfigurationManager configuration) =>
        configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?> { ["LlmSettings:Caching:Enabled"] = "true" },
        });
}
