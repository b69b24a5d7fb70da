using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Spend;

/// <summary>The names budgets and their spend are kept under.</summary>
internal static class BudgetScopes
{
    /// <summary>What a backend's scope starts with.</summary>
    public const string BackendPrefix = "backend:";

    /// <summary>What a caller's scope starts with.</summary>
    public const string CallerPrefix = "caller:";

    /// <summary>What a route's scope starts with.</summary>
    public const string RoutePrefix = "route:";

    public static string Backend(string name) => BackendPrefix + name;

    public static string Caller(string name) => CallerPrefix + name;

    public static string Route(string name) => RoutePrefix + name;

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
