namespace Mostlyucid.LlmBackend.Benchmarks.Load;

/// <summary>Where and how a target is asked for a chat completion served by a given upstream.</summary>
/// <param name="Url">The chat completions URL.</param>
/// <param name="Model">The request's model (for our gateway, the backend's name).</param>
/// <param name="Headers">Headers every request carries (a gateway key, the peer's routing headers).</param>
/// <param name="UniqueBodies">
/// Whether wrk makes every request's body different and cacheable (temperature 0, a counter in the message), so a
/// gateway whose response cache is on looks each one up and stores it: a cache miss every time.
/// </param>
internal sealed record Endpoint(Uri Url, string Model, IReadOnlyList<KeyValuePair<string, string>> Headers, bool UniqueBodies = false);
