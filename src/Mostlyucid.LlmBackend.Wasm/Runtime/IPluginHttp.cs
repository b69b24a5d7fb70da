namespace Mostlyucid.LlmBackend.Wasm.Runtime;

/// <summary>
/// Sends the HTTP requests a plugin makes itself (QueryMT's <c>qmt_http_*</c> host functions, Extism's
/// <c>http_request</c>). The implementation checks every request against the plugin's allowed hosts and sends it with the
/// backend's own client and time limits.
/// </summary>
public interface IPluginHttp
{
    /// <summary>Sends a request given as QueryMT's request envelope and returns the whole response as its envelope.</summary>
    /// <param name="envelope">The <c>{"req":{…}}</c> JSON.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The <c>{"resp":{…}}</c> JSON (a refusal is a 403 response, a failure a 5xx).</returns>
    Task<byte[]> SendAsync(ReadOnlyMemory<byte> envelope, CancellationToken cancellationToken);

    /// <summary>Opens a streamed response: sends the request and returns once the status and headers have arrived.</summary>
    /// <param name="envelope">The <c>{"req":{…}}</c> JSON.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The open response.</returns>
    Task<PluginHttpResponse> OpenStreamAsync(ReadOnlyMemory<byte> envelope, CancellationToken cancellationToken);
}
