namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>When a budget's spend starts again from zero (in UTC).</summary>
public enum SpendResetPeriod
{
    /// <summary>Never: the budget is a total.</summary>
    Never = 0,

    /// <summary>Every day at 00:00 UTC.</summary>
    Daily,

    /// <summary>Every week at 00:00 UTC on <c>SpendResetDayOfWeek</c> (default Monday).</summary>
    Weekly,

    /// <summary>Every month at 00:00 UTC on <c>SpendResetDayOfMonth</c> (default 1; in shorter months, the last day).</summary>
    Monthly,
}
