using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.FakeProvider;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Translation;

/// <summary>
/// A gateway in front of the fake provider with one backend of every built-in format, reached by model name:
/// <c>gpt-fake</c> (OpenAI, with <c>embed-fake</c>), <c>claude-fake</c> (Anthropic), <c>gemini-fake</c>, <c>ollama-fake</c>,
/// <c>cohere-fake</c>; <c>object-args-gpt</c> (an OpenAI-compatible server that sends tool arguments as objects) and
/// <c>misconfigured</c>, a backend whose configured model its provider does not know (it answers 404). Every request
/// carries a unique marker, so a test finds exactly what reached the upstream for it.
/// </summary>
public sealed class TranslationFixture : IAsyncLifetime
{
    public const string Key = "translation-gateway-key-0123456789";
    private const string UpstreamKey = "upstream-key";
    private TestGateway? _gateway;

    public FakeProviderServer Upstream { get; private set; } = null!;

    public string BaseUrl { get; private set; } = string.Empty;

    public HttpClient Http { get; } = new();

    public async ValueTask InitializeAsync()
    {
        Upstream = await FakeProviderServer.StartAsync(new FakeProviderOptions { RequiredApiKey = UpstreamKey });
        var settings = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Gateway:ApiKeys:0:Name"] = "translation",
            ["Gateway:ApiKeys:0:Key"] = Key,
            ["LlmSettings:Resilience:MaxRetries"] = "0",
            ["LlmSettings:Resilience:CircuitBreaker:Enabled"] = "false",
            ["LlmSettings:Routes:0:Name"] = "misconfigured",
            ["LlmSettings:Routes:0:Backends:0"] = "missing-model",
        };
        var backends = new[]
        {
            ("openai", "OpenAI", "gpt-fake", "/v1"), ("anthropic", "Anthropic", "claude-fake", string.Empty), ("gemini", "Gemini", "gemini-fake", string.Empty),
            ("ollama", "Ollama", "ollama-fake", string.Empty), ("cohere", "Cohere", "cohere-fake", string.Empty), ("object-args", "OpenAI", "object-args-gpt", "/v1"),
            ("missing-model", "OpenAI", "error-404", "/v1"),
        };
        for (var i = 0; i < backends.Length; i++)
        {
            var (name, type, model, path) = backends[i];
            settings[$"LlmSettings:Backends:{i}:Name"] = name;
            settings[$"LlmSettings:Backends:{i}:Type"] = type;
            settings[$"LlmSettings:Backends:{i}:BaseUrl"] = Upstream.BaseUrl + path;
            settings[$"LlmSettings:Backends:{i}:ApiKey"] = UpstreamKey;
            settings[$"LlmSettings:Backends:{i}:ModelName"] = model;
            settings[$"LlmSettings:Backends:{i}:Priority"] = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        settings["LlmSettings:Backends:0:EmbeddingModelName"] = "embed-fake";
        _gateway = await TestGateway.StartAsync(settings);
        BaseUrl = _gateway.BaseUrl;
    }

    /// <summary>Posts JSON to the gateway with the key (and any more headers).</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, JsonNode body, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, BaseUrl + path) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await Http.SendAsync(request);
    }

    /// <summary>The one request that reached the upstream carrying <paramref name="marker"/>, or <see langword="null"/>.</summary>
    public RecordedRequest? UpstreamRequestWith(string marker) =>
        Upstream.Requests.SingleOrDefault(r => r.Body.Contains(marker, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        await Upstream.DisposeAsync();
    }
}
