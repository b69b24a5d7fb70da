namespace Mostlyucid.LlmBackend.FakeProvider;

/// <summary>A request the fake provider received, kept so tests can check the exact wire format.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path and query.</param>
/// <param name="Headers">The request headers (first value of each).</param>
/// <param name="Body">The body as text.</param>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);
