using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Gateway.Configuration;

namespace Mostlyucid.LlmBackend.Gateway.Responses.Storage;

/// <summary>Makes the response store <c>Gateway:Responses:Store</c> names (the settings were checked at startup).</summary>
internal static class ResponseStores
{
    /// <summary>Makes the store.</summary>
    /// <param name="settings">The gateway's response settings.</param>
    /// <param name="usage">The library's usage ledger settings (for <c>Ledger</c>).</param>
    /// <param name="contentRoot">The folder a relative SQLite path is resolved from.</param>
    /// <param name="time">The clock retention is measured by.</param>
    public static IResponseStore Create(GatewayResponsesSettings settings, UsageSettings usage, string contentRoot, TimeProvider time)
    {
        var retention = TimeSpan.FromHours(settings.RetentionHours);
        if (!ResponseStoreSettingsCheck.IsLedger(settings))
        {
            return new InMemoryResponseStore(time, retention, settings.MaxStoredResponses);
        }

        return ResponseStoreSettingsCheck.LedgerEngine(usage) == "PostgreSql"
            ? new PostgreSqlResponseStore(usage.ConnectionString!.Trim(), time, retention)
            : new SqliteResponseStore(usage.ConnectionString, contentRoot, time, retention);
    }
}
