using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.FakeProvider;
using Mostlyucid.LlmBackend.Gateway.Tests.TestSupport;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Security;

/// <summary>
/// With circuit breaking on (two failures in the window open a circuit): one caller's bad requests, requests a provider
/// refuses as invalid, and failures of the gateway's own code never change any backend's health or another caller's
/// answers. Failures of the gateway's own code are 500s with a request id and no internals.
/// </summary>
public sealed class BackendHealthIsolationTests
{
    private const string Key = "isolation-gateway-key-0123456789";

    [Fact]
    public async Task BadRequests_NeverOpenACircuit_OrMarkABackendUnhealthy()
    {
        await using var upstream = await FakeProviderServer.StartAsync(new FakeProviderOptions { RequiredApiKey = "isolation-upstream" });
        await using var gateway = await StartAsync(upstream);
        using var http = Http(gateway);
        var bad = new[]
        {
            ("/v1/chat/completions", """{"model":"openai","temperature":1e400,"messages":[{"role":"user","content":"x"}]}"""),
            ("/v1/chat/completions", """{"model":"openai","top_p":-1e999,"stream":true,"messages":[{"role":"user","content":"x"}]}"""),
            ("/v1/chat/completions", """{"model":"openai","max_tokens":-5,"messages":[{"role":"user","content":"x"}]}"""),
            ("/v1/completions", """{"model":"openai","prompt":"x","temperature":1e400}"""),
            ("/v1/embeddings", """{"model":"openai","input":"x","dimensions":-3}"""),
            ("/v1/messages", """{"model":"anthropic","max_tokens":5,"temperature":1e400,"messages":[{"role":"user","content":"x"}]}"""),
            ("/v1/messages", """{"model":"anthropic","max_tokens":5,"stream":"yes","messages":[{"role":"user","content":"x"}]}"""),
            ("/v1/chat/completions", """{"model":"refuses","messages":[{"role":"user","content":"x"}]}"""),
        };

        for (var round = 0; round < 10; round++)
        {
            foreach (var (path, body) in bad)
            {
                using var response = await http.PostAsync(path, Json(body));
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            }
        }

        var ready = JsonNode.Parse(await http.GetStringAsync("/health/ready"))!;
        Assert.Equal("ready", ready["status"]!.GetValue<string>());
        Assert.All(ready["backends"]!.AsArray(), b => Assert.Equal("Closed", b!["circuit"]!.GetValue<string>()));
        Assert.All(gateway.Services.GetRequiredService<ILlmService>().GetStatistics().Backends, b => Assert.Equal(0, b.FailedRequests));
        using var good = await http.PostAsync("/v1/chat/completions", Json("""{"model":"openai","messages":[{"role":"user","content":"still here?"}]}"""));
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    [Fact]
    public async Task UnreadableBodies_AreTheClientsFault_NeverLoggedAsAGatewayFault()
    {
        await using var upstream = await FakeProviderServer.StartAsync(new FakeProviderOptions { RequiredApiKey = "isolation-upstream" });
        var logs = new CapturedLogs();
        await using var gateway = await StartAsync(upstream, logs);
        var head = $"POST /v1/chat/completions HTTP/1.1\r\nHost: {new Uri(gateway.BaseUrl).Authority}\r\nAuthorization: Bearer {Key}\r\nContent-Type: application/json\r\n";

        // Malformed chunking: a 400 that says why.
        var malformed = await SendRawAsync(gateway, head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", hangUp: false);
        Assert.StartsWith("HTTP/1.1 400", malformed, StringComparison.Ordinal);
        Assert.Contains("could not be read", malformed, StringComparison.Ordinal);

        // A client that declares 400 bytes, sends 30 and hangs up (wrk does this to requests in flight when it stops):
        // nobody is left to answer, and it is not the gateway's fault either.
        var cut = await SendRawAsync(gateway, head + "Content-Length: 400\r\n\r\n" + """{"model":"openai","messages":[""", hangUp: true);
        Assert.True(cut.Length == 0 || cut.StartsWith("HTTP/1.1 400", StringComparison.Ordinal), cut);

        await Task.Delay(200);
        Assert.DoesNotContain(logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal));
        Assert.Empty(upstream.Requests);
        Assert.All(gateway.Services.GetRequiredService<ILlmService>().GetStatistics().Backends, b => Assert.Equal(0, b.FailedRequests));
    }

    private static async Task<string> SendRawAsync(TestGateway gateway, string request, bool hangUp)
    {
        var uri = new Uri(gateway.BaseUrl);
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(uri.Host, uri.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        if (hangUp)
        {
            client.Client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        var read = reader.ReadToEndAsync();
        return await read.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : string.Empty, TaskScheduler.Default);
    }

    [Fact]
    public async Task GatewayFault_Is500WithARequestId_NoInternals_AndNeverCountsAgainstTheBackend()
    {
        await using var upstream = await FakeProviderServer.StartAsync(new FakeProviderOptions { RequiredApiKey = "isolation-upstream" });
        var logs = new CapturedLogs();
        await using var gateway = await StartAsync(upstream, logs);
        using var http = Http(gateway);

        for (var i = 0; i < 6; i++)
        {
            using var response = await http.PostAsync("/v1/chat/completions", Json("""{"model":"exploding","messages":[{"role":"user","content":"x"}]}"""));
            var text = await response.Content.ReadAsStringAsync();
            var message = JsonNode.Parse(text)!["error"]!["message"]!.GetValue<string>();

            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Contains(response.Headers.GetValues("x-request-id").Single(), message, StringComparison.Ordinal);
            Assert.DoesNotContain("Sequence contains", text, StringComparison.Ordinal);
            RequestValidationTests.AssertNoInternals(text);
        }

        using var failover = await http.PostAsync("/v1/chat/completions", Json("""{"model":"exploding-then-openai","messages":[{"role":"user","content":"x"}]}"""));
        var ready = JsonNode.Parse(await http.GetStringAsync("/health/ready"))!;

        Assert.Equal(HttpStatusCode.OK, failover.StatusCode);
        Assert.Equal("Closed", ready["backends"]!.AsArray().Single(b => b!["name"]!.GetValue<string>() == "exploding")!["circuit"]!.GetValue<string>());
        Assert.Equal(0, gateway.Services.GetRequiredService<ILlmService>().GetStatistics().Backends.Single(b => b.BackendName == "exploding").FailedRequests);
        Assert.Contains(logs.Lines, l => l.Contains("Sequence contains no elements", StringComparison.Ordinal) && l.Contains("internal error", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExceptionEscapingAnEndpoint_IsAJson500WithTheRequestId_AndNoInternals()
    {
        var logs = new CapturedLogs();
        await using var gateway = await TestGateway.StartAsync(
            new Dictionary<string, string?>
            {
                ["Gateway:ApiKeys:0:Name"] = "isolation",
                ["Gateway:ApiKeys:0:Key"] = Key,
                ["LlmSettings:Backends:0:Name"] = "mock",
                ["LlmSettings:Backends:0:Type"] = "Mock",
            },
            builder =>
            {
                builder.Services.AddSingleton<ILlmService>(new ThrowingService());
                builder.Logging.AddProvider(logs);
            });
        using var http = Http(gateway);

        using var response = await http.PostAsync("/v1/chat/completions", Json("""{"model":"boom","messages":[{"role":"user","content":"x"}]}"""));
        var text = await response.Content.ReadAsStringAsync();
        var requestId = response.Headers.GetValues("x-request-id").Single();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains(requestId, JsonNode.Parse(text)!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("internal detail", text, StringComparison.Ordinal);
        RequestValidationTests.AssertNoInternals(text);
        Assert.Contains(logs.Lines, l => l.Contains(requestId, StringComparison.Ordinal) && l.Contains("internal detail", StringComparison.Ordinal));
    }

    /// <summary>A service that knows one model and fails with an exception on every chat, as a bug would.</summary>
    private sealed class ThrowingService : ILlmService
    {
        public Task<LlmResponse> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default) => throw new InvalidOperationException("internal detail");

        public Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default) => throw new InvalidOperationException("internal detail");

        public IAsyncEnumerable<ChatStreamUpdate> StreamChatAsync(ChatRequest request, CancellationToken cancellationToken = default) => throw new InvalidOperationException("internal detail");

        public Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default) => throw new InvalidOperationException("internal detail");

        public Task<ModelListResult> ListModelsAsync(string? backendName = null, CancellationToken cancellationToken = default) => throw new InvalidOperationException("internal detail");

        public IReadOnlyList<RoutableModel> GetRoutableModels() => new[] { new RoutableModel { Name = "boom", Kind = RoutableModelKind.Model, Backends = new[] { "mock" } } };

        public IReadOnlyList<BackendInfo> GetBackends() => Array.Empty<BackendInfo>();

        public LlmServiceStatistics GetStatistics() => new();

        public Task<IReadOnlyList<BackendHealth>> GetHealthAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<BackendHealth>>(Array.Empty<BackendHealth>());

        public Task<IReadOnlyDictionary<string, bool>> CheckAvailabilityAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyDictionary<string, bool>>(new Dictionary<string, bool>());
    }

    private static async Task<TestGateway> StartAsync(FakeProviderServer upstream, CapturedLogs? logs = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:ApiKeys:0:Name"] = "isolation",
            ["Gateway:ApiKeys:0:Key"] = Key,
            ["LlmSettings:Resilience:MaxRetries"] = "0",
            ["LlmSettings:Resilience:CircuitBreaker:Enabled"] = "true",
            ["LlmSettings:Resilience:CircuitBreaker:MinimumThroughput"] = "2",
            ["LlmSettings:Resilience:CircuitBreaker:FailureRatio"] = "0.5",
            ["LlmSettings:Resilience:CircuitBreaker:ConsecutiveFailures"] = "2",
            ["LlmSettings:Routes:0:Name"] = "exploding-then-openai",
            ["LlmSettings:Routes:0:Backends:0"] = "exploding",
            ["LlmSettings:Routes:0:Backends:1"] = "openai",
        };
        var backends = new[]
        {
            ("openai", "OpenAI", "gpt-fake", upstream.BaseUrl + "/v1"), ("anthropic", "Anthropic", "claude-fake", upstream.BaseUrl),
            ("refuses", "OpenAI", "error-400", upstream.BaseUrl + "/v1"), ("exploding", "Exploding", "boom", null),
        };
        for (var i = 0; i < backends.Length; i++)
        {
            var (name, type, model, url) = backends[i];
            settings[$"LlmSettings:Backends:{i}:Name"] = name;
            settings[$"LlmSettings:Backends:{i}:Type"] = type;
            settings[$"LlmSettings:Backends:{i}:ModelName"] = model;
            settings[$"LlmSettings:Backends:{i}:BaseUrl"] = url;
            settings[$"LlmSettings:Backends:{i}:ApiKey"] = "isolation-upstream";
        }

        settings["LlmSettings:Backends:0:EmbeddingModelName"] = "embed-fake";
        return await TestGateway.StartAsync(settings, builder =>
        {
            builder.Services.AddSingleton<ILlmBackendPlugin, MisbehavingPlugin>();
            if (logs is not null)
            {
                builder.Logging.AddProvider(logs);
            }
        });
    }

    private static HttpClient Http(TestGateway gateway)
    {
        var http = new HttpClient { BaseAddress = new Uri(gateway.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return http;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
