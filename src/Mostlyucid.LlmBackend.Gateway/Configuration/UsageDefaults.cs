using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace Mostlyucid.LlmBackend.Gateway.Configuration;

/// <summary>
/// The gateway's default usage ledger: a SQLite file (<c>data/llmb-usage.db</c> under the content root), so the main job
/// records every request and enforces budgets with no setup. Any configured <c>LlmSettings:Usage</c> value wins.
/// </summary>
internal static class UsageDefaults
{
    public static void Apply(ConfigurationManager configuration) =>
        configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?> { ["LlmSettings:Usage:Store"] = "Sqlite" },
        });
}
