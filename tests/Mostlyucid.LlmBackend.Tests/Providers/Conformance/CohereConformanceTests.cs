using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Tests.Providers.Conformance;

/// <summary>The conformance suite for <c>Type: Cohere</c> (Chat v2 with typed stream events, Embed v2, paged /v1/models).</summary>
public sealed class CohereConformanceTests : ProviderConformanceTests
{
    protected override string Format => "cohere";

    protected override LlmBackendConfig Backend(string model, string apiKey) =>
        new() { Type = "Cohere", BaseUrl = Server.BaseUrl, ApiKey = apiKey, ModelName = model };
}
