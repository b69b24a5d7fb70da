using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Resilience;

/// <summary>The outcome of one attempt as the retry pipeline sees it: failed when <see cref="Error"/> is set.</summary>
internal interface IAttemptOutcome
{
    LlmError? Error { get; }
}
