using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Routing;

namespace Mostlyucid.LlmBackend.Resilience;

/// <summary>What a one-shot request asks of each backend it tries: the call itself, how to read a failure from its result, and which model answered.</summary>
/// <typeparam name="TResult">The backend's result type.</typeparam>
/// <param name="Call">Calls the backend.</param>
/// <param name="ErrorOf">The error in a result, or <see langword="null"/> when it is an answer.</param>
/// <param name="ModelOf">The model that answered (or was asked).</param>
internal sealed record OneShotOperation<TResult>(
    Func<BackendEntry, CancellationToken, Task<TResult>> Call,
    Func<BackendEntry, TResult?, LlmError?> ErrorOf,
    Func<BackendEntry, TResult?, string?> ModelOf)
    where TResult : class;
