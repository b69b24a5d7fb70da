using System.Net;
using System.Text;
using Mostlyucid.LlmBackend.FakeProvider;
using Mostlyucid.LlmBackend.Gateway.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Telemetry;

/// <summary>With an OTLP endpoint configured, a collector receives the gateway's spans and metrics.</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task ACollector_ReceivesSpansAndMetrics_ForChatStreamingAndEmbeddings()
    {
        await using var collector = FakeOtlpCollector.Start();
        await using var upstream = await FakeProviderServer.StartAsync(new FakeProviderOptions());
        var settings = Backend(upstream, "upstream");
        settings["LlmSettings:Backends:0:EmbeddingModelName"] = "embed-fake";
        settings["Gateway:Telemetry:OtlpEndpoint"] = collector.Endpoint;
        settings["Gateway:Telemetry:OtlpProtocol"] = "http/protobuf";

        // The SDK's standard settings, read from configuration: export soon, so the test need not wait a minute.
        settings["OTEL_BSP_SCHEDULE_DELAY"] = "100";
        settings["OTEL_METRIC_EXPORT_INTERVAL"] = "300";
        await using var gateway = await TestGateway.StartAsync(settings);
        using var http = new HttpClient { BaseAddress = new Uri(gateway.BaseUrl) };

        using var chat = await http.PostAsync("/v1/chat/completions", new StringContent("""{"model":"gpt-fake","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));

        using var stream = await http.PostAsync("/v1/chat/completions", new StringContent("""{"model":"gpt-fake","stream":true,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        await stream.Content.ReadAsStringAsync();
        using var embeddings = await http.PostAsync("/v1/embeddings", new StringContent("""{"model":"embed-fake","input":["a","b"]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        Assert.Equal(HttpStatusCode.OK, embeddings.StatusCode);
        await collector.WaitForAsync(TimeSpan.FromSeconds(15), "/v1/traces", "/v1/chat/completions");
        await collector.WaitForAsync(TimeSpan.FromSeconds(15), "/v1/traces", "chat gpt-fake", "gen_ai.operation.name", "gen_ai.usage.input_tokens", "llmb.backend", "upstream");
        await collector.WaitForAsync(TimeSpan.FromSeconds(15), "/v1/metrics", "http.server.request.duration");
        await collector.WaitForAsync(TimeSpan.FromSeconds(15), "/v1/traces", "embeddings embed-fake");
        await collector.WaitForAsync(TimeSpan.FromSeconds(15), "/v1/traces", "gen_ai.request.stream", "gen_ai.response.time_to_first_chunk");
        await collector.WaitForAsync(TimeSpan.FromSeconds(15), "/v1/metrics", "gen_ai.client.operation.duration", "gen_ai.client.token.usage", "gen_ai.client.operation.time_to_first_chunk");
    }

    [Fact]
    public async Task AnotherGatewayInTheProcess_IsNotExported_AndStoppingItDoesNotStopTheExport()
    {
        await using var upstream = await FakeProviderServer.StartAsync(new FakeProviderOptions());
        await using var collector = FakeOtlpCollector.Start();
        var settings = Backend(upstream, "upstream");
        settings["Gateway:Telemetry:OtlpEndpoint"] = collector.Endpoint;
        settings["Gateway:Telemetry:OtlpProtocol"] = "http/protobuf";
        settings["OTEL_METRIC_EXPORT_INTERVAL"] = "200";
        await using var gateway = await TestGateway.StartAsync(settings);
        using var http = new HttpClient { BaseAddress = new Uri(gateway.BaseUrl) };
        await ChatAsync(http);

        // Another gateway starts in the same process and answers while this one exports: only this one's requests are
        // in its metrics.
        var other = await TestGateway.StartAsync(Backend(upstream, "elsewhere"));
        using (var otherHttp = new HttpClient { BaseAddress = new Uri(other.BaseUrl) })
        {
            await ChatAsync(otherHttp);
            await ChatAsync(http);
            await collector.WaitForAsync(TimeSpan.FromSeconds(15), collector.Count, "/v1/metrics", "gen_ai.client.operation.duration", "upstream");
            Assert.False(collector.Received("/v1/metrics", "elsewhere"), "the other gateway's requests were exported by this one");
        }

        // The other stops (its meters are disposed); this gateway's requests are still exported.
        await other.DisposeAsync();
        await Task.Delay(500);
        var mark = collector.Count;
        await ChatAsync(http);
        await collector.WaitForAsync(TimeSpan.FromSeconds(15), mark, "/v1/metrics", "gen_ai.client.operation.duration", "gen_ai.client.token.usage", "upstream");
    }

    private static Dictionary<string, string?> Backend(FakeProviderServer upstream, string name) => new()
    {
        ["LlmSettings:Backends:0:Name"] = name,
        ["LlmSettings:Backends:0:Type"] = "OpenAI",
        ["LlmSettings:Backends:0:BaseUrl"] = upstream.BaseUrl + "/v1",
        ["LlmSettings:Backends:0:ApiKey"] = "k",
        ["LlmSettings:Backends:0:ModelName"] = "gpt-fake",
    };

    private static async Task ChatAsync(HttpClient http)
    {
        using var response = await http.PostAsync("/v1/chat/completions", new StringContent("""{"model":"gpt-fake","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
