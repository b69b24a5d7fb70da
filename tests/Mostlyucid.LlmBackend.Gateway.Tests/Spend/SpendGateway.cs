using Microsoft.Extensions.Logging;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.FakeProvider;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Spend;

/// <summary>
/// A gateway in front of the fake provider with priced backends — $1 per prompt token and $2 per completion token, so
/// costs are easy to check — a client key, a key with a budget, a key with a tokens-per-minute limit and an admin key.
/// Backends: <c>priced</c> (OpenAI format, model <c>gpt-fake</c>) and <c>priced-claude</c> (Anthropic format, <c>claude-fake</c>).
/// </summary>
internal sealed class SpendGateway : IAsyncDisposable
{
    public const string ClientKey = "spend-client-key-0123456789";
    public const string BudgetKey = "spend-budget-key-0123456789";
    public const string TokensKey = "spend-tokens-key-0123456789";
    public const string AdminKey = "spend-admin-key-0123456789";
    private const string UpstreamKey = "upstream-key";

    private readonly bool _ownsUpstream;

    private SpendGateway(FakeProviderServer upstream, TestGateway gateway, bool ownsUpstream)
    {
        _ownsUpstream = ownsUpstream;
        Upstream = upstream;
        Gateway = gateway;
        Http = new HttpClient { BaseAddress = new Uri(gateway.BaseUrl) };
    }

    public FakeProviderServer Upstream { get; }

    public TestGateway Gateway { get; }

    public HttpClient Http { get; }

    /// <summary>Starts the upstream and a gateway; <paramref name="extra"/> overlays the settings (a store, a shared upstream).</summary>
    public static async Task<SpendGateway> StartAsync(decimal budgetUsd = 100m, IDictionary<string, string?>? extra = null, FakeProviderServer? upstream = null, Microsoft.Extensions.Logging.ILoggerProvider? logs = null)
    {
        var owns = upstream is null;
        upstream ??= await FakeProviderServer.StartAsync(new FakeProviderOptions { RequiredApiKey = UpstreamKey });
        var settings = Settings(upstream.BaseUrl, budgetUsd);
        foreach (var (name, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[name] = value;
        }

        Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? configure = null;
        if (logs is not null)
        {
            configure = builder => builder.Logging.AddProvider(logs);
        }

        return new SpendGateway(upstream, await TestGateway.StartAsync(settings, configure), owns);
    }

    public static Dictionary<string, string?> Settings(string upstreamUrl, decimal budgetUsd) => new()
    {
        ["Gateway:ApiKeys:0:Name"] = "client",
        ["Gateway:ApiKeys:0:Key"] = ClientKey,
        ["Gateway:ApiKeys:1:Name"] = "budgeted",
        ["Gateway:ApiKeys:1:Key"] = BudgetKey,
        ["Gateway:ApiKeys:1:MaxSpendUsd"] = budgetUsd.ToString(CultureInfo.InvariantCulture),
        ["Gateway:ApiKeys:1:SpendResetPeriod"] = "Daily",
        ["Gateway:ApiKeys:2:Name"] = "tokens",
        ["Gateway:ApiKeys:2:Key"] = TokensKey,
        ["Gateway:ApiKeys:2:MaxTokensPerMinute"] = "10",
        ["Gateway:ApiKeys:3:Name"] = "ops",
        ["Gateway:ApiKeys:3:Key"] = AdminKey,
        ["Gateway:ApiKeys:3:Role"] = "Admin",
        ["LlmSettings:Resilience:MaxRetries"] = "0",
        ["LlmSettings:Backends:0:Name"] = "priced",
        ["LlmSettings:Backends:0:Type"] = "OpenAI",
        ["LlmSettings:Backends:0:BaseUrl"] = upstreamUrl + "/v1",
        ["LlmSettings:Backends:0:ApiKey"] = UpstreamKey,
        ["LlmSettings:Backends:0:ModelName"] = "gpt-fake",
        ["LlmSettings:Backends:0:CostPerMillionInputTokens"] = "1000000",
        ["LlmSettings:Backends:0:CostPerMillionOutputTokens"] = "2000000",
        ["LlmSettings:Backends:1:Name"] = "priced-claude",
        ["LlmSettings:Backends:1:Type"] = "Anthropic",
        ["LlmSettings:Backends:1:BaseUrl"] = upstreamUrl,
        ["LlmSettings:Backends:1:ApiKey"] = UpstreamKey,
        ["LlmSettings:Backends:1:ModelName"] = "claude-fake",
        ["LlmSettings:Backends:1:CostPerMillionInputTokens"] = "1000000",
        ["LlmSettings:Backends:1:CostPerMillionOutputTokens"] = "2000000",
    };

    /// <summary>What a usage object costs at the test prices, cached tokens included at the input price.</summary>
    public static decimal CostOf(JsonNode usage, string prompt = "prompt_tokens", string completion = "completion_tokens") =>
        usage[prompt]!.GetValue<int>() + (2 * usage[completion]!.GetValue<int>());

    public static HttpRequestMessage Chat(string key, string model = "gpt-fake", bool stream = false) =>
        Post(key, "/v1/chat/completions", $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},{{(stream ? "\"stream_options\":{\"include_usage\":true}," : string.Empty)}}"messages":[{"role":"user","content":"tell me about budgets"}]}""");

    public static HttpRequestMessage Messages(string key, string model = "claude-fake", bool stream = false) =>
        Post(key, "/v1/messages", $$"""{"model":"{{model}}","max_tokens":50,"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"tell me about budgets"}]}""");

    public static HttpRequestMessage Get(string key, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Gateway.DisposeAsync();
        if (_ownsUpstream)
        {
            await Upstream.DisposeAsync();
        }
    }

    private static HttpRequestMessage Post(string key, string path, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }
}
