namespace Mostlyucid.LlmBackend.Wasm.Abi;

/// <summary>An HTTP request a plugin built, before the host checks and sends it.</summary>
/// <param name="Method">The method.</param>
/// <param name="Uri">The absolute URL.</param>
/// <param name="Headers">The headers, in order (a name may repeat).</param>
/// <param name="Body">The body.</param>
internal sealed record PluginHttpRequest(string Method, Uri Uri, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body);
