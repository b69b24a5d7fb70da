using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using TestPlugins.Isolation;

namespace TestPlugins.Echo;

/// <summary>
/// A plugin that answers locally: "&lt;type&gt; via &lt;dependency version&gt;: &lt;last message&gt;". Built twice (Echo and EchoV2)
/// against two versions of the same dependency, so a test can prove each plugin sees its own.
/// </summary>
public sealed class EchoPlugin : ILlmBackendPlugin
{
#if ECHO_V2
    public const string Type = "EchoV2";
    public string PluginId => "tests.echo.v2";
#else
    public const string Type = "Echo";
    public string PluginId => "tests.echo";
#endif

    public string PluginName => "Echo test plugin";

    public string Version => "1.0.0";

    public string Author => "LlmBackend tests";

    public string Description => "Echoes the last message, naming the dependency version it loaded.";

    public IEnumerable<string> SupportedBackendTypes => new[] { Type, Type + "ThrowingBackend" };

    public ILlmBackend CreateBackend(string backendType, LlmBackendConfig config, ILoggerFactory loggerFactory, IHttpClientFactory httpClientFactory)
    {
        if (backendType.EndsWith("ThrowingBackend", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("EchoThrowingBackend always fails to construct");
        }

        return new EchoBackend(config, loggerFactory.CreateLogger<EchoBackend>(), httpClientFactory.CreateClient());
    }

    // Touches the dependency, so a plugin copied without it fails here with a clear "missing dependency" message.
    public bool Validate() => DependencyInfo.Describe().Length > 0;
}
