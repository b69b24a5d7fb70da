namespace Mostlyucid.LlmBackend.Benchmarks.Load;

/// <summary>Where and how a target is asked for a chat completion served by a given upstream.</summary>
internal sealed record Endpoint(Uri Url, string Model, IReadOnlyList<KeyValuePair<string, string>> Headers);
