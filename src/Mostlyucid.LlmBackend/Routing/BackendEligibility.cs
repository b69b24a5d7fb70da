namespace Mostlyucid.LlmBackend.Routing;

/// <summary>Which backends can serve an operation that not all of them support, and how to explain it when none can.</summary>
/// <param name="Operation">The operation, for messages ("embed texts").</param>
/// <param name="Requirement">What a backend needs, for messages.</param>
/// <param name="CanServe">Whether a ready backend can serve it.</param>
internal sealed record BackendEligibility(string Operation, string Requirement, Func<BackendEntry, bool> CanServe);
