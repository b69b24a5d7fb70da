namespace Mostlyucid.LlmBackend.FakeProvider.Brain;

/// <summary>A tool call, in a request's history or in an answer.</summary>
/// <param name="Id">The call's id.</param>
/// <param name="Name">The function.</param>
/// <param name="ArgumentsJson">The arguments as JSON text.</param>
public sealed record FakeToolCall(string Id, string Name, string ArgumentsJson);
