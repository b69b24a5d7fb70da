using System.Globalization;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Spend;

/// <summary>The group a usage record falls in, the same for every store.</summary>
internal static class UsageGroups
{
    public static string KeyOf(UsageRecord record, UsageGrouping grouping) => grouping switch
    {
        UsageGrouping.Caller => record.CallerName ?? string.Empty,
        UsageGrouping.Route => record.Route ?? string.Empty,
        UsageGrouping.Backend => record.Backend ?? string.Empty,
        UsageGrouping.Model => record.Model ?? string.Empty,
        _ => record.Timestamp.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };
}
