namespace Mostlyucid.LlmBackend.Spend;

/// <summary>The names budgets and their spend are kept under.</summary>
internal static class BudgetScopes
{
    public static string Backend(string name) => "backend:" + name;

    public static string Caller(string name) => "caller:" + name;

    public static string Route(string name) => "route:" + name;
}
