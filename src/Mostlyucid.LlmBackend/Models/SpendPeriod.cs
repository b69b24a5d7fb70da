namespace Mostlyucid.LlmBackend.Models;

/// <summary>A budget's current period: the budget (<c>backend:NAME</c>, <c>caller:NAME</c>, <c>route:NAME</c>) and when the period began (UTC).</summary>
/// <param name="Scope">The budget's scope.</param>
/// <param name="Start">The period's start; <see cref="DateTimeOffset.MinValue"/> for a budget that never resets.</param>
public readonly record struct SpendPeriod(string Scope, DateTimeOffset Start);
