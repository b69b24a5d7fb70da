using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Providers;

namespace Mostlyucid.LlmBackend.Tests.TestSupport;

/// <summary>Helpers for checking providers' wire formats against samples recorded from their API references.</summary>
public static class WireFormat
{
    /// <summary>Reads a sample file copied next to the tests (Providers/&lt;Provider&gt;/Samples/&lt;name&gt;).</summary>
    public static string Sample(string provider, string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Providers", provider, "Samples", name));

    /// <summary>Asserts two JSON texts are the same JSON (property order and whitespace aside).</summary>
    public static void AssertSameJson(string expected, string actual)
    {
        var e = JsonNode.Parse(expected);
        var a = JsonNode.Parse(actual);
        Assert.True(JsonNode.DeepEquals(e, a), $"JSON differs.\nExpected: {e?.ToJsonString()}\nActual:   {a?.ToJsonString()}");
    }

    /// <summary>Creates a built-in backend whose HTTP goes to <paramref name="handler"/>.</summary>
    public static ILlmBackend CreateBuiltIn(LlmBackendConfig config, HttpMessageHandler handler)
    {
        var plugin = new BuiltInProvidersPlugin(TimeProvider.System);
        return plugin.CreateBackend(config.EffectiveBackendType, config, NullLoggerFactory.Instance, new SingleClientFactory(handler));
    }

    private sealed class SingleClientFactory(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }
}
