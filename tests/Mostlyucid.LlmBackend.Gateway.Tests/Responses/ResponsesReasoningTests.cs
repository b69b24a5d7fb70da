using System.Net;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.FakeProvider;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Responses;

/// <summary>
/// A backend that reasons (the fake provider reasons for models named <c>…reasoning…</c>: OpenAI-compatible
/// <c>reasoning_content</c>, Anthropic thinking blocks with a signature) answers with a <c>reasoning</c> item before the
/// message, streamed as the reasoning summary events; the item passed back in the next turn reaches Anthropic as a
/// thinking block with its signature.
/// </summary>
public sealed class ResponsesReasoningTests : IAsyncLifetime
{
    private FakeProviderServer? _upstream;
    private TestGateway? _gateway;

    public async ValueTask InitializeAsync()
    {
        _upstream = await FakeProviderServer.StartAsync(new FakeProviderOptions());
        var settings = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning", ["LlmSettings:Resilience:MaxRetries"] = "0" };
        var backends = new[] { ("openai-thinker", "OpenAI", "gpt-reasoning", "/v1"), ("anthropic-thinker", "Anthropic", "claude-reasoning", string.Empty) };
        for (var i = 0; i < backends.Length; i++)
        {
            var (name, type, model, path) = backends[i];
            settings[$"LlmSettings:Backends:{i}:Name"] = name;
            settings[$"LlmSettings:Backends:{i}:Type"] = type;
            settings[$"LlmSettings:Backends:{i}:BaseUrl"] = _upstream.BaseUrl + path;
            settings[$"LlmSettings:Backends:{i}:ApiKey"] = "upstream-key";
            settings[$"LlmSettings:Backends:{i}:ModelName"] = model;
        }

        _gateway = await TestGateway.StartAsync(settings);
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

    [Theory]
    [InlineData("gpt-reasoning")]
    [InlineData("claude-reasoning")]
    public async Task Reasoning_IsAReasoningItemBeforeTheMessage(string model)
    {
        using var client = new RawResponsesClient(_gateway!.BaseUrl, key: null);

        var (response, body) = await client.CreateAsync($$"""{"model":"{{model}}","input":"why is the sky blue"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var output = (JsonArray)body["output"]!;
        Assert.Equal(new[] { "reasoning", "message" }, output.Select(i => (string)i!["type"]!));
        var reasoning = output[0]!;
        Assert.StartsWith("rs_", (string)reasoning["id"]!, StringComparison.Ordinal);
        Assert.Equal("summary_text", (string)reasoning["summary"]![0]!["type"]!);
        Assert.Equal("Let me think about why is the sky blue.", (string)reasoning["summary"]![0]!["text"]!);
        // Anthropic counts thinking in output_tokens and reports no separate number; OpenAI-compatible APIs report it.
        Assert.Equal(model == "gpt-reasoning", (int)body["usage"]!["output_tokens_details"]!["reasoning_tokens"]! > 0);
    }

    [Theory]
    [InlineData("gpt-reasoning")]
    [InlineData("claude-reasoning")]
    public async Task StreamedReasoning_ComesAsTheReasoningSummaryEvents_ThenTheText(string model)
    {
        using var client = new RawResponsesClient(_gateway!.BaseUrl, key: null);

        var (_, events) = await client.StreamAsync($$"""{"model":"{{model}}","input":"why is the sky blue","stream":true}""");

        var names = events.Select(e => e.Name).ToList();
        Assert.Equal("reasoning", (string)events[2].Data["item"]!["type"]!);
        Assert.Equal("response.reasoning_summary_part.added", names[3]);
        var reasoningDone = names.IndexOf("response.reasoning_summary_part.done");
        Assert.True(reasoningDone > 0 && reasoningDone < names.IndexOf("response.output_text.delta"));
        var thought = string.Concat(events.Where(e => e.Name == "response.reasoning_summary_text.delta").Select(e => (string)e.Data["delta"]!));
        Assert.Equal("Let me think about why is the sky blue.", thought);
        var output = (JsonArray)events[^1].Data["response"]!["output"]!;
        Assert.Equal(thought, (string)output[0]!["summary"]![0]!["text"]!);
        if (model == "claude-reasoning")
        {
            Assert.Equal("fake-signature", (string)output[0]!["encrypted_content"]!);
        }
    }

    [Fact]
    public async Task ReasoningItem_PassedBack_ReachesAnthropicAsThinkingWithItsSignature()
    {
        using var client = new RawResponsesClient(_gateway!.BaseUrl, key: null);
        var (_, first) = await client.CreateAsync("""{"model":"claude-reasoning","input":"why is the sky blue","store":false}""");
        var output = (JsonArray)first["output"]!;

        var (response, _) = await client.CreateAsync($$"""
            {"model":"claude-reasoning","store":false,"input":[{"role":"user","content":"why is the sky blue"},{{output[0]!.ToJsonString()}},{{output[1]!.ToJsonString()}},{"role":"user","content":"and at sunset?"}]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var assistant = JsonNode.Parse(_upstream!.Requests[^1].Body)!["messages"]![1]!;
        var thinking = assistant["content"]![0]!;
        Assert.Equal("thinking", (string)thinking["type"]!);
        Assert.Equal("fake-signature", (string)thinking["signature"]!);
    }
}
