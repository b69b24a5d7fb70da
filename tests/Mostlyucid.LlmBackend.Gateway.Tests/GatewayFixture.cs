using Mostlyucid.LlmBackend.FakeProvider;

namespace Mostlyucid.LlmBackend.Gateway.Tests;

/// <summary>
/// The gateway, running in-process on a real port on 127.0.0.1, in front of the fake provider speaking OpenAI's and
/// Anthropic's formats. Backends (by their model names): <c>gpt-fake</c> (OpenAI format, with embeddings), <c>claude-fake</c>
/// (Anthropic format), <c>parallel-gpt</c> (two tool calls at once), and failing ones named for their failure
/// (<c>error-429</c>, <c>error-503</c>, <c>context-too-long</c>, <c>content-filtered</c>), and <c>slow-mock</c> (the Mock
/// provider streaming a word every 400 ms). Route <c>smart</c> fails over from the broken backend to <c>gpt-fake</c>.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public const string Key = "test-gateway-key-0123456789";
    public const string LimitedKey = "limited-gateway-key-0123456789";
    public const string MeteredKey = "metered-gateway-key-0123456789";
    public const string BurstKey = "burst-gateway-key-0123456789";
    public const int BurstLimit = 20;
    public const string AllowedOrigin = "https://app.example";
    private const string UpstreamKey = "upstream-key";

    private TestGateway? _gateway;

    public FakeProviderServer Upstream { get; private set; } = null!;

    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>Gets the running gateway's services.</summary>
    public IServiceProvider Services => _gateway!.Services;

    public async ValueTask InitializeAsync()
    {
        Upstream = await FakeProviderServer.StartAsync(new FakeProviderOptions { RequiredApiKey = UpstreamKey });
        var settings = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Gateway:MaxRequestBodyBytes"] = "200000",
            ["Gateway:ApiKeys:0:Name"] = "tests",
            ["Gateway:ApiKeys:0:Key"] = Key,
            ["Gateway:ApiKeys:1:Name"] = "limited",
            ["Gateway:ApiKeys:1:KeySha256"] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(LimitedKey))),
            ["Gateway:ApiKeys:1:AllowedModels:0"] = "gpt-fake",
            ["Gateway:ApiKeys:2:Name"] = "metered",
            ["Gateway:ApiKeys:2:Key"] = MeteredKey,
            ["Gateway:ApiKeys:2:MaxRequestsPerMinute"] = "3",
            ["Gateway:ApiKeys:3:Name"] = "burst",
            ["Gateway:ApiKeys:3:Key"] = BurstKey,
            ["Gateway:ApiKeys:3:MaxRequestsPerMinute"] = BurstLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway:AllowedOrigins:0"] = AllowedOrigin,

            // Failing backends stay first in their routes, so failover is observable in every test regardless of order.

            // These tests check translation and error shapes: one attempt per backend and no circuit breaking, so every
            // failure reaches the client the same way whatever ran before.
            ["LlmSettings:Resilience:MaxRetries"] = "0",
            ["LlmSettings:Resilience:CircuitBreaker:Enabled"] = "false",
            ["LlmSettings:Routes:0:Name"] = "smart",
            ["LlmSettings:Routes:0:Backends:0"] = "broken",
            ["LlmSettings:Routes:0:Backends:1"] = "openai-upstream",
        };
        var backends = new[]
        {
            ("openai-upstream", "OpenAI", "gpt-fake"), ("anthropic-upstream", "Anthropic", "claude-fake"), ("openai-parallel", "OpenAI", "parallel-gpt"),
            ("rate-limited", "OpenAI", "error-429"), ("broken", "OpenAI", "error-503"), ("too-long", "OpenAI", "context-too-long"), ("filtered", "OpenAI", "content-filtered"),
        };
        for (var i = 0; i < backends.Length; i++)
        {
            var (name, type, model) = backends[i];
            settings[$"LlmSettings:Backends:{i}:Name"] = name;
            settings[$"LlmSettings:Backends:{i}:Type"] = type;
            settings[$"LlmSettings:Backends:{i}:BaseUrl"] = type == "OpenAI" ? Upstream.BaseUrl + "/v1" : Upstream.BaseUrl;
            settings[$"LlmSettings:Backends:{i}:ApiKey"] = UpstreamKey;
            settings[$"LlmSettings:Backends:{i}:ModelName"] = model;
            settings[$"LlmSettings:Backends:{i}:Priority"] = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        settings["LlmSettings:Backends:0:EmbeddingModelName"] = "embed-fake";
        settings[$"LlmSettings:Backends:{backends.Length}:Name"] = "slow";
        settings[$"LlmSettings:Backends:{backends.Length}:Type"] = "Mock";
        settings[$"LlmSettings:Backends:{backends.Length}:ModelName"] = "slow-mock";
        settings[$"LlmSettings:Backends:{backends.Length}:Priority"] = "100";
        settings[$"LlmSettings:Backends:{backends.Length}:ProviderOptions:ChunkDelayMs"] = "400";
        _gateway = await TestGateway.StartAsync(settings);
        BaseUrl = _gateway.BaseUrl;
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        await Upstream.DisposeAsync();
    }
}

[CollectionDefinition(nameof(GatewayCollection))]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
}
