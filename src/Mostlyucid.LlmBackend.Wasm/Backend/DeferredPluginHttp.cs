using System.Text;
using Mostlyucid.LlmBackend.Wasm.Abi;
using Mostlyucid.LlmBackend.Wasm.Runtime;

namespace Mostlyucid.LlmBackend.Wasm.Backend;

/// <summary>
/// The plugin's HTTP, given to the runtime before the backend that sends it exists (the plugin is loaded first, then
/// described, then its backend made). Until then, requests are refused.
/// </summary>
internal sealed class DeferredPluginHttp : IPluginHttp
{
    /// <summary>Gets or sets the backend that sends the plugin's requests.</summary>
    public IPluginHttp? Target { get; set; }

    public Task<byte[]> SendAsync(ReadOnlyMemory<byte> envelope, CancellationToken cancellationToken) =>
        Target?.SendAsync(envelope, cancellationToken)
        ?? Task.FromResult(Encoding.UTF8.GetBytes(HttpWire.ResponseEnvelope(403, new Dictionary<string, string>(), "The plugin may not send HTTP requests while it is being loaded."u8)));

    public Task<PluginHttpResponse> OpenStreamAsync(ReadOnlyMemory<byte> envelope, CancellationToken cancellationToken) =>
        Target?.OpenStreamAsync(envelope, cancellationToken)
        ?? throw new InvalidOperationException("The plugin may not open HTTP streams while it is being loaded.");
}
