using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Wasm.Runtime;

namespace Mostlyucid.LlmBackend.Wasm.InProcess;

/// <summary>What every instance of one plugin shares with the host: its name for logs, its logger, and its HTTP.</summary>
/// <param name="Key">The name of the plugin in the runtime (its backend's name).</param>
/// <param name="Logger">Where the plugin's own log lines go.</param>
/// <param name="Http">Sends the HTTP requests the plugin makes itself, or <see langword="null"/> to refuse them.</param>
internal sealed record PluginHost(string Key, ILogger Logger, IPluginHttp? Http);
