using System.Net.Http.Headers;
using System.Text;
using Mostlyucid.LlmBackend.FakeProvider;
using Mostlyucid.LlmBackend.Gateway.Tests.Spend;
using Mostlyucid.LlmBackend.Gateway.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Caching;

/// <summary>
/// Gateways in front of one fake provider (the spend tests' priced backends and keys, plus <c>metered</c>: 3 requests a
/// minute), on the gateway's default cache — or, given a Redis, all sharing it for the cache and the key limits.
/// </summary>
internal sealed class CacheGateway : IAsyncDisposable
{
    public const string MeteredKey = "cache-metered-key-0123456789";

    private CacheGateway(FakeProviderServer upstream, SpendGateway[] instances, CapturedLogs logs)
    {
        Upstream = upstream;
        Instances = instances;
        Logs = logs;
    }

    public FakeProviderServer Upstream { get; }

    public SpendGateway[] Instances { get; }

    /// <summary>Gets every log line every instance wrote.</summary>
    public CapturedLogs Logs { get; }

    public static async Task<CacheGateway> StartAsync(int instances, string? redis = null, IDictionary<string, string?>? extra = null)
    {
        var upstream = await FakeProviderServer.StartAsync(new FakeProviderOptions { RequiredApiKey = "upstream-key" });
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:ApiKeys:4:Name"] = "metered",
            ["Gateway:ApiKeys:4:Key"] = MeteredKey,
            ["Gateway:ApiKeys:4:MaxRequestsPerMinute"] = "3",
            ["LlmSettings:Backends:0:EmbeddingModelName"] = "embed-fake",
        };
        if (redis is not null)
        {
            settings["LlmSettings:Redis:ConnectionString"] = redis;
            settings["LlmSettings:Caching:Provider"] = "Redis";
        }

        foreach (var (name, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[name] = value;
        }

        var logs = new CapturedLogs();
        var started = new List<SpendGateway>();
        for (var i = 0; i < instances; i++)
        {
            started.Add(await SpendGateway.StartAsync(extra: settings, upstream: upstream, logs: logs));
        }

        return new CacheGateway(upstream, started.ToArray(), logs);
    }

    /// <summary>A temperature-0 chat request (cached by default).</summary>
    public static HttpRequestMessage Chat(string key = SpendGateway.ClientKey, string text = "tell me about caches", bool stream = false, string? temperature = "0", params (string Name, string Value)[] headers)
    {
        var json = $$"""{"model":"gpt-fake",{{(temperature is null ? string.Empty : $"\"temperature\":{temperature},")}}"stream":{{(stream ? "true" : "false")}},{{(stream ? "\"stream_options\":{\"include_usage\":true}," : string.Empty)}}"messages":[{"role":"user","content":"{{text}}"}]}""";
        return Post(key, "/v1/chat/completions", json, headers);
    }

    public static HttpRequestMessage Embed(string key = SpendGateway.ClientKey) =>
        Post(key, "/v1/embeddings", """{"model":"gpt-fake","input":["one","two"]}""");

    public static string CacheHeader(HttpResponseMessage response) => response.Headers.TryGetValues("x-llmb-cache", out var values) ? values.Single() : "(none)";

    public int UpstreamChats => Upstream.ChatRequests.Count;

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in Instances)
        {
            await instance.DisposeAsync();
        }

        await Upstream.DisposeAsync();
        Logs.Dispose();
    }

    private static HttpRequestMessage Post(string key, string path, string json, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }
}
