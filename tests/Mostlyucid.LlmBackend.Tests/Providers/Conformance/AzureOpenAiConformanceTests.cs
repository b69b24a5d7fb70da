using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Tests.Providers.Conformance;

/// <summary>The conformance suite for Azure OpenAI (deployments in the path, api-version, api-key header).</summary>
public sealed class AzureOpenAiConformanceTests : ProviderConformanceTests
{
    protected override string Format => "azure";

    protected override LlmBackendConfig Backend(string model, string apiKey) =>
        new() { Type = "AzureOpenAI", BaseUrl = Server.BaseUrl, ApiKey = apiKey, ModelName = model };
}
