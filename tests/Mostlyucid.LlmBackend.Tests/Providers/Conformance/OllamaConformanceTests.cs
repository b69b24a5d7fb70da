using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Tests.Providers.Conformance;

/// <summary>
/// The conformance suite for Ollama's native API (NDJSON streams, tool calls without ids, images as base64 bytes only). The
/// key goes as a bearer token, as for an Ollama behind an auth proxy, so the fake's key check exercises it.
/// </summary>
public sealed class OllamaConformanceTests : ProviderConformanceTests
{
    protected override string Format => "ollama";

    protected override bool SupportsImageUrls => false;

    protected override LlmBackendConfig Backend(string model, string apiKey) =>
        new() { Type = "Ollama", BaseUrl = Server.BaseUrl, ApiKey = apiKey, ModelName = model };
}
