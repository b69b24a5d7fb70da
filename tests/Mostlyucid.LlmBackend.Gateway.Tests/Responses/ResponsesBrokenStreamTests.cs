using System.Net;
using Mostlyucid.LlmBackend.FakeProvider;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Responses;

/// <summary>
/// A Responses stream the backend breaks after output started (and the pipeline may not continue: one backend, replay
/// off) ends with an <c>error</c> event and <c>response.failed</c> — never with <c>response.completed</c> — and is not
/// stored.
/// </summary>
public sealed class ResponsesBrokenStreamTests : IAsyncLifetime
{
    private FakeProviderServer? _upstream;
    private TestGateway? _gateway;

    public async ValueTask InitializeAsync()
    {
        _upstream = await FakeProviderServer.StartAsync(new FakeProviderOptions { Format = "openai" });
        _gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["LlmSettings:Resilience:MaxRetries"] = "0",
            ["LlmSettings:Resilience:ReplayBrokenStreams"] = "false",
            ["LlmSettings:Backends:0:Name"] = "cutter",
            ["LlmSettings:Backends:0:Type"] = "OpenAI",
            ["LlmSettings:Backends:0:BaseUrl"] = _upstream.BaseUrl + "/v1",
            ["LlmSettings:Backends:0:ApiKey"] = "upstream-key",
            ["LlmSettings:Backends:0:ModelName"] = "fault:cut-after=5",
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }
    }

    [Fact]
    public async Task CutStream_EndsWithErrorAndResponseFailed_AndIsNotStored()
    {
        using var client = new RawResponsesClient(_gateway!.BaseUrl, key: null);

        var (response, events) = await client.StreamAsync("""{"model":"cutter","input":"tell me a story","stream":true}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(events, e => e.Name == "response.output_text.delta");
        Assert.DoesNotContain(events, e => e.Name == "response.completed");
        Assert.Equal(new[] { "error", "response.failed" }, events.TakeLast(2).Select(e => e.Name));
        var error = events[^2].Data;
        Assert.Contains("broke", (string)error["message"]!, StringComparison.Ordinal);
        var failed = events[^1].Data["response"]!;
        Assert.Equal("failed", (string)failed["status"]!);
        Assert.Equal((string)error["message"]!, (string)failed["error"]!["message"]!);
        Assert.False(string.IsNullOrEmpty((string?)failed["error"]!["code"]));
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => (int)e.Data["sequence_number"]!));
        var (stored, _) = await client.SendAsync(HttpMethod.Get, $"/v1/responses/{(string)failed["id"]!}");
        Assert.Equal(HttpStatusCode.NotFound, stored.StatusCode);
    }
}
