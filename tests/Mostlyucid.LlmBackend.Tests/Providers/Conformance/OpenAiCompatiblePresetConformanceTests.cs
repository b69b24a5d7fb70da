using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.FakeProvider;

namespace Mostlyucid.LlmBackend.Tests.Providers.Conformance;

/// <summary>The conformance suite for an OpenAI-compatible preset that differs from OpenAI (Mistral: max_tokens, no stream_options).</summary>
public sealed class OpenAiCompatiblePresetConformanceTests : ProviderConformanceTests
{
    protected override string Format => "openai";

    protected override void ConfigureServer(FakeProviderOptions options) => options.UsageOnFinishChunk = true;

    protected override LlmBackendConfig Backend(string model, string apiKey) =>
        new() { Type = "OpenAICompatible", Preset = "Mistral", BaseUrl = Server.BaseUrl + "/v1", ApiKey = apiKey, ModelName = model };
}
