using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Gateway.Configuration;

namespace Mostlyucid.LlmBackend.Gateway.Responses.Storage;

/// <summary>Checks <c>Gateway:Responses</c> at startup; every problem names its key and says what to write.</summary>
internal static class ResponseStoreSettingsCheck
{
    private const string Section = GatewaySettings.SectionName + ":Responses";

    /// <summary>The problems of the section on its own.</summary>
    public static IEnumerable<string> Problems(GatewayResponsesSettings settings)
    {
        if (!IsMemory(settings) && !IsLedger(settings))
        {
            yield return $"{Section}:Store: '{settings.Store}' is not a response store; write {GatewayResponsesSettings.MemoryStore} (this process) or {GatewayResponsesSettings.LedgerStore} (the usage ledger's database).";
        }

        if (settings.RetentionHours is < 1 or > 24 * 366)
        {
            yield return $"{Section}:RetentionHours: must be between 1 and {24 * 366} (found {settings.RetentionHours}).";
        }

        if (settings.MaxStoredResponses < 1)
        {
            yield return $"{Section}:MaxStoredResponses: must be 1 or more (found {settings.MaxStoredResponses}).";
        }
    }

    /// <summary>The problems of <c>Store: Ledger</c> with the library's usage settings: the ledger must be a database.</summary>
    public static IEnumerable<string> LedgerProblems(GatewayResponsesSettings settings, UsageSettings usage)
    {
        if (IsLedger(settings) && (!usage.Enabled || LedgerEngine(usage) is null))
        {
            yield return $"{Section}:Store: {GatewayResponsesSettings.LedgerStore} keeps responses in the usage ledger's database, but {LlmSettings.SectionName}:Usage "
                + (usage.Enabled ? $"stores to '{usage.Store}'" : "is turned off")
                + ". Set LlmSettings:Usage:Store to Sqlite or PostgreSql, or use Gateway:Responses:Store Memory.";
        }
    }

    /// <summary>Whether the settings keep responses in memory.</summary>
    public static bool IsMemory(GatewayResponsesSettings settings) =>
        string.Equals(settings.Store?.Trim(), GatewayResponsesSettings.MemoryStore, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the settings keep responses in the ledger's database.</summary>
    public static bool IsLedger(GatewayResponsesSettings settings) =>
        string.Equals(settings.Store?.Trim(), GatewayResponsesSettings.LedgerStore, StringComparison.OrdinalIgnoreCase);

    /// <summary>The ledger's database engine, <c>Sqlite</c> or <c>PostgreSql</c>; <see langword="null"/> for any other store.</summary>
    public static string? LedgerEngine(UsageSettings usage) => usage.Store?.Trim() switch
    {
        { } name when name.Equals("Sqlite", StringComparison.OrdinalIgnoreCase) => "Sqlite",
        { } name when name.Equals("PostgreSql", StringComparison.OrdinalIgnoreCase) => "PostgreSql",
        _ => null,
    };
}
