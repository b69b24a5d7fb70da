namespace Mostlyucid.LlmBackend.Models;

/// <summary>What usage totals are grouped by.</summary>
public enum UsageGrouping
{
    /// <summary>By caller (gateway key name).</summary>
    Caller,

    /// <summary>By route (requests that named no route are under an empty key).</summary>
    Route,

    /// <summary>By the backend that answered.</summary>
    Backend,

    /// <summary>By the model that answered.</summary>
    Model,

    /// <summary>By UTC day (<c>yyyy-MM-dd</c>).</summary>
    Day,
}
