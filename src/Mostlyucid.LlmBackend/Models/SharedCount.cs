namespace Mostlyucid.LlmBackend.Models;

/// <summary>The answer of a shared counter (<see cref="Interfaces.ISharedState.TryAddAsync"/>).</summary>
/// <param name="Added">Whether the amount was added (the counter was under its limit).</param>
/// <param name="Count">The count after the call.</param>
/// <param name="RetryAfter">When refused, how long until the window turns.</param>
public readonly record struct SharedCount(bool Added, long Count, TimeSpan? RetryAfter);
