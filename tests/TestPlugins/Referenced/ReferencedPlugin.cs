using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Services;

namespace TestPlugins.Referenced;

/// <summary>A plugin the test project references like a NuGet package, to prove such plugins are discovered without configuration.</summary>
public sealed class ReferencedPlugin : ILlmBackendPlugin
{
    public string PluginId => "tests.referenced";

    public string PluginName => "Referenced test plugin";

    public string Version => "1.0.0";

    public string Author => "LlmBackend tests";

    public string Description => "Discovered from the application's dependencies.";

    public IEnumerable<string> SupportedBackendTypes => new[] { "Referenced" };

    public ILlmBackend CreateBackend(string backendType, LlmBackendConfig config, ILoggerFactory loggerFactory, IHttpClientFactory httpClientFactory) =>
        new ReferencedBackend(config, loggerFactory.CreateLogger<ReferencedBackend>(), httpClientFactory.CreateClient());

    public bool Validate() => true;
}

/// <summary>Answers "referenced: &lt;last message&gt;".</summary>
public sealed class ReferencedBackend : BaseLlmBackend
{
    public ReferencedBackend(LlmBackendConfig config, ILogger<ReferencedBackend> logger, HttpClient httpClient)
        : base(config, logger, httpClient)
    {
    }

    public override Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        RecordSuccess(0);
        return Task.FromResult(new LlmResponse
        {
            Success = true,
            Content = "referenced: " + request.Messages[^1].Content,
            BackendUsed = Name,
            FinishReason = "stop",
        });
    }
}
