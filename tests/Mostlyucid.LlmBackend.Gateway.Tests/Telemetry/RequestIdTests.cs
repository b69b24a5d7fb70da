using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.FakeProvider;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Telemetry;

/// <summary>One request id from the client to the provider: in the responses (also where Anthropic's SDKs read it), on the provider's request, and on every log line of the request.</summary>
[Collection(nameof(GatewayCollection))]
public sealed class RequestIdTests(GatewayFixture gateway)
{
    [Fact]
    public async Task TheRequestId_ReachesTheProvider()
    {
        using var http = Http();
        var id = "rid-" + Guid.NewGuid().ToString("N");
        http.DefaultRequestHeaders.Add("x-request-id", id);

        using var response = await http.PostAsync("/v1/chat/completions", Json("""{"model":"gpt-fake","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(gateway.Upstream.ChatRequests, r => r.Headers.TryGetValue("X-Request-Id", out var sent) && sent == id);
    }

    [Fact]
    public async Task AnthropicShapedResponses_CarryRequestId_WhereAnthropicsSdksReadIt()
    {
        using var http = Http();
        http.DefaultRequestHeaders.Add("anthropic-version", "2023-06-01");

        using var answered = await http.PostAsync("/v1/messages", Json("""{"model":"claude-fake","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}"""));
        using var refused = await Http(key: "wrong-key").SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/messages")
        {
            Content = Json("""{"model":"claude-fake","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}"""),
            Headers = { { "anthropic-version", "2023-06-01" } },
        });
        using var openAi = await Http().PostAsync("/v1/chat/completions", Json("""{"model":"gpt-fake","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal(answered.Headers.GetValues("x-request-id").Single(), answered.Headers.GetValues("request-id").Single());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(refused.Headers.GetValues("x-request-id").Single(), refused.Headers.GetValues("request-id").Single());
        Assert.False(openAi.Headers.Contains("request-id"));
    }

    [Fact]
    public async Task EveryLogLineOfARequest_CarriesItsId()
    {
        var logs = new ScopedLogs();
        await using var upstream = await FakeProviderServer.StartAsync(new FakeProviderOptions());
        await using var server = await TestGateway.StartAsync(
            new Dictionary<string, string?>
            {
                ["LlmSettings:Resilience:MaxRetries"] = "0",
                ["LlmSettings:Backends:0:Name"] = "broken",
                ["LlmSettings:Backends:0:Type"] = "OpenAI",
                ["LlmSettings:Backends:0:BaseUrl"] = upstream.BaseUrl + "/v1",
                ["LlmSettings:Backends:0:ModelName"] = "error-503",
                ["LlmSettings:Backends:0:ApiKey"] = "k",
                ["LlmSettings:Backends:0:Priority"] = "1",
                ["LlmSettings:Backends:1:Name"] = "working",
                ["LlmSettings:Backends:1:Type"] = "OpenAI",
                ["LlmSettings:Backends:1:BaseUrl"] = upstream.BaseUrl + "/v1",
                ["LlmSettings:Backends:1:ModelName"] = "gpt-fake",
                ["LlmSettings:Backends:1:ApiKey"] = "k",
                ["LlmSettings:Backends:1:Priority"] = "2",
                ["LlmSettings:Routes:0:Name"] = "smart",
                ["LlmSettings:Routes:0:Backends:0"] = "broken",
                ["LlmSettings:Routes:0:Backends:1"] = "working",
            },
            builder => builder.Logging.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        http.DefaultRequestHeaders.Add("x-request-id", "failover-request-7");
        var before = logs.Lines.Count;

        using var response = await http.PostAsync("/v1/chat/completions", Json("""{"model":"smart","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = logs.Lines.Skip(before).Where(l => l.Category.StartsWith("Mostlyucid.LlmBackend", StringComparison.Ordinal)).ToList();
        Assert.Contains(lines, l => l.Message.Contains("broken", StringComparison.Ordinal)); // the failover was logged
        Assert.All(lines, l => Assert.Equal("failover-request-7", l.RequestId));
    }

    private HttpClient Http(string? key = GatewayFixture.Key)
    {
        var http = new HttpClient { BaseAddress = new Uri(gateway.BaseUrl) };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return http;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>Collects log lines with the RequestId of the scope they were logged in.</summary>
    private sealed class ScopedLogs : ILoggerProvider, ISupportExternalScope
    {
        private readonly ConcurrentQueue<(string Category, string Message, string? RequestId)> _lines = new();
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public IReadOnlyList<(string Category, string Message, string? RequestId)> Lines => _lines.ToArray();

        public ILogger CreateLogger(string categoryName) => new Collector(categoryName, this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Collector(string category, ScopedLogs owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => owner._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                string? requestId = null;
                owner._scopes.ForEachScope(
                    (scope, _) =>
                    {
                        if (scope is IEnumerable<KeyValuePair<string, object>> values && values.FirstOrDefault(v => v.Key == "RequestId").Value is string id)
                        {
                            requestId = id;
                        }
                    },
                    (object?)null);
                owner._lines.Enqueue((category, formatter(state, exception), requestId));
            }
        }
    }
}
