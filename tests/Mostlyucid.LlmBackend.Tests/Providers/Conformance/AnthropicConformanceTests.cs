using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Tests.Providers.Conformance;

/// <summary>The conformance suite for <c>Type: Anthropic</c> (Messages API, x-api-key, named stream events; no embeddings).</summary>
public sealed class AnthropicConformanceTests : ProviderConformanceTests
{
    protected override string Format => "anthropic";

    protected override bool SupportsEmbeddings => false;

    protected override LlmBackendConfig Backend(string model, string apiKey) =>
        new() { Type = "Anthropic", BaseUrl = Server.BaseUrl, ApiKey = apiKey, ModelName = model };
}
