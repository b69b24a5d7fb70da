using Microsoft.Extensions.DependencyInjection;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Tests.Providers.Conformance;
using Mostlyucid.LlmBackend.Tests.TestSupport;
using Mostlyucid.LlmBackend.Wasm;

namespace Mostlyucid.LlmBackend.Tests.Wasm;

/// <summary>
/// The providers' conformance suite, run against the sample OpenAI-compatible plugins: the plugin builds each request and
/// parses each answer, the host sends them — through the same routing, time limits and error mapping as the built-in
/// providers. The plugins cannot choose embedding dimensions (QueryMT's ABI has no field for it).
/// </summary>
public abstract class PluginConformanceTests : ProviderConformanceTests
{
    protected override string Format => "openai";

    protected override bool SupportsEmbeddingDimensions => false;

    protected abstract string BackendType { get; }

    protected abstract string PluginPath { get; }

    protected override LlmBackendConfig Backend(string model, string apiKey) =>
        new() { Type = BackendType, PluginPath = PluginPath, BaseUrl = Server.BaseUrl + "/v1", ApiKey = apiKey, ModelName = model };

    protected override void AddServices(IServiceCollection services) => services.AddLlmBackendWasm();
}
