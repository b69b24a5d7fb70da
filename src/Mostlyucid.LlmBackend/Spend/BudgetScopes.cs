using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Spend;

/// <summary>The names budgets and their spend are kept under.</summary>
internal static class BudgetScopes
{
    public static string Backend(string name) => "backend:" + name;

    public static string Caller(string name) => "caller:" + name;

    public static string Route(string name) => "route:" + name;

    /// <summary>Gets the ledger grouping whose totals a scope's spend can be read from, and the name within it.</summary>
    public static (UsageGrouping Grouping, string Name)? InLedger(string scope)
    {
        var colon = scope.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return null;
        }

        var name = scope[(colon + 1)..];
        return scope[..colon] switch
        {
            "backend" => (UsageGrouping.Backend, name),
            "caller" => (UsageGrouping.Caller, name),
            "route" => (UsageGrouping.Route, name),
            _ => null,
        };
    }
}
