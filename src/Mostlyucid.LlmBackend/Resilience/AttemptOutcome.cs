using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Routing;

namespace Mostlyucid.LlmBackend.Resilience;

/// <summary>One attempt's result or error, and the backend it was made on.</summary>
internal sealed record AttemptOutcome<T>(BackendEntry? Entry, T? Result, LlmError? Error) : IAttemptOutcome;
