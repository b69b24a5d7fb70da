using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Tests.Providers.Conformance;

/// <summary>The conformance suite for <c>Type: OpenAI</c> (OpenAI's dialect: max_completion_tokens, stream_options).</summary>
public sealed class OpenAiConformanceTests : ProviderConformanceTests
{
    protected override string Format => "openai";

    protected override LlmBackendConfig Backend(string model, string apiKey) =>
        new() { Type = "OpenAI", BaseUrl = Server.BaseUrl + "/v1", ApiKey = apiKey, ModelName = model };
}
