using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.FakeProvider;
using Mostlyucid.LlmBackend.Gateway.Tests.TestSupport;
using Mostlyucid.LlmBackend.Interfaces;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Security;

/// <summary>
/// Secrets never leave the process: a provider (or a plugin) that repeats the API key it was given, or any key-shaped
/// string, has it removed from every response, stream, health report, statistic and log line.
/// </summary>
public sealed class SecretRedactionTests : IAsyncLifetime
{
    private const string GatewayKey = "redaction-gateway-key-0123456789";
    private const string UpstreamKey = "upstream-secret-key-42";
    private const string PluginKey = "plugin-secret-key-43";
    private const string ForeignKey = "sk-proj-AbCdEf0123456789GhIjKlMnOpQr";
    private static readonly string[] Secrets = { UpstreamKey, PluginKey, ForeignKey, GatewayKey };

    private readonly CapturedLogs _logs = new();
    private FakeProviderServer _upstream = null!;
    private TestGateway _gateway = null!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await FakeProviderServer.StartAsync(new FakeProviderOptions { RequiredApiKey = UpstreamKey });
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:ApiKeys:0:Name"] = "redaction",
            ["Gateway:ApiKeys:0:Key"] = GatewayKey,
            ["LlmSettings:Resilience:MaxRetries"] = "0",
        };
        var backends = new[]
        {
            ("careless-openai", "OpenAI", _upstream.BaseUrl + "/v1", UpstreamKey), ("careless-anthropic", "Anthropic", _upstream.BaseUrl, UpstreamKey),
            ("careless-plugin", "Careless", null, PluginKey),
        };
        for (var i = 0; i < backends.Length; i++)
        {
            var (name, type, url, key) = backends[i];
            settings[$"LlmSettings:Backends:{i}:Name"] = name;
            settings[$"LlmSettings:Backends:{i}:Type"] = type;
            settings[$"LlmSettings:Backends:{i}:BaseUrl"] = url;
            settings[$"LlmSettings:Backends:{i}:ApiKey"] = key;
            settings[$"LlmSettings:Backends:{i}:ModelName"] = "echo-credentials";
        }

        _gateway = await TestGateway.StartAsync(settings, builder =>
        {
            builder.Services.AddSingleton<ILlmBackendPlugin, MisbehavingPlugin>();
            builder.Logging.AddProvider(_logs);
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Theory]
    [InlineData("/v1/chat/completions", """{"model":"careless-openai","messages":[{"role":"user","content":"x"}]}""")]
    [InlineData("/v1/chat/completions", """{"model":"careless-openai","stream":true,"messages":[{"role":"user","content":"x"}]}""")]
    [InlineData("/v1/chat/completions", """{"model":"careless-plugin","messages":[{"role":"user","content":"x"}]}""")]
    [InlineData("/v1/chat/completions", """{"model":"careless-plugin","stream":true,"messages":[{"role":"user","content":"x"}]}""")]
    [InlineData("/v1/completions", """{"model":"careless-anthropic","prompt":"x"}""")]
    [InlineData("/v1/messages", """{"model":"careless-anthropic","max_tokens":5,"messages":[{"role":"user","content":"x"}]}""")]
    [InlineData("/v1/messages", """{"model":"careless-plugin","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"x"}]}""")]
    public async Task EchoedKeys_AreRedacted_FromResponses(string path, string body)
    {
        using var http = Http();

        using var response = await http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.False(response.IsSuccessStatusCode);
        Assert.Contains("[redacted]", text, StringComparison.Ordinal);
        AssertNoSecret(text);
        AssertNoSecret(string.Join("\n", response.Headers.Select(h => $"{h.Key}: {string.Join(",", h.Value)}")));
    }

    [Fact]
    public async Task EchoedKeys_AreRedacted_FromHealthStatisticsAndLogs()
    {
        using var http = Http();
        foreach (var model in new[] { "careless-openai", "careless-anthropic", "careless-plugin" })
        {
            using var _ = await http.PostAsync("/v1/chat/completions", new StringContent($$"""{"model":"{{model}}","messages":[{"role":"user","content":"x"}]}""", Encoding.UTF8, "application/json"));
        }

        var health = await http.GetStringAsync("/health/ready?probe=true");
        var statistics = _gateway.Services.GetRequiredService<ILlmService>().GetStatistics();
        var backendHealth = await _gateway.Services.GetRequiredService<ILlmService>().GetHealthAsync();

        AssertNoSecret(health);
        Assert.All(statistics.Backends, b => AssertNoSecret(b.LastError ?? string.Empty));
        Assert.All(backendHealth, b => AssertNoSecret(b.LastError ?? string.Empty));
        Assert.Contains(_logs.Lines, l => l.Contains("[redacted]", StringComparison.Ordinal));
        Assert.Contains(_logs.Lines, l => l.Contains("Provider request failed with status 502", StringComparison.Ordinal));
        Assert.All(_logs.Lines, AssertNoSecret);
    }

    private static void AssertNoSecret(string text)
    {
        foreach (var secret in Secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    private HttpClient Http()
    {
        var http = new HttpClient { BaseAddress = new Uri(_gateway.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayKey);
        return http;
    }
}
