using System.Text.Json;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.FakeProvider.Brain;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Translation;

/// <summary>
/// Translation that the compatibility table does not show cell by cell: answers read from unusual upstreams (tool
/// arguments as objects, log probabilities), token-array embeddings, legacy completions' options, and an upstream 404.
/// </summary>
public sealed class TranslationBehaviourTests(TranslationFixture gateway) : IClassFixture<TranslationFixture>
{
    private static readonly JsonObject WeatherTool = new()
    {
        ["type"] = "function",
        ["function"] = new JsonObject { ["name"] = "get_weather", ["parameters"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["city"] = new JsonObject { ["type"] = "string" } } } },
    };

    private CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ToolArgumentsSentAsAnObject_AreNormalisedToAJsonString()
    {
        using var response = await gateway.PostAsync("/v1/chat/completions", new JsonObject
        {
            ["model"] = "object-args-gpt",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Weather in Paris?" }),
            ["tools"] = new JsonArray(WeatherTool.DeepClone()),
        });
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!;

        Assert.Equal(200, (int)response.StatusCode);
        var arguments = body["choices"]![0]!["message"]!["tool_calls"]![0]!["function"]!["arguments"]!;
        Assert.Equal(JsonValueKind.String, arguments.GetValueKind());
        Assert.Equal("Paris", JsonNode.Parse(arguments.GetValue<string>())!["city"]!.GetValue<string>());
        Assert.Equal("1", response.Headers.GetValues("x-llmb-attempts").Single());
    }

    [Fact]
    public async Task ToolArgumentsStreamedAsAnObject_ReachAnAnthropicClientAsInput()
    {
        using var response = await gateway.PostAsync("/v1/messages", new JsonObject
        {
            ["model"] = "object-args-gpt",
            ["max_tokens"] = 100,
            ["stream"] = true,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Weather in Paris?" }),
            ["tools"] = new JsonArray(new JsonObject { ["name"] = "get_weather", ["input_schema"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["city"] = new JsonObject { ["type"] = "string" } } } }),
        });
        var events = await response.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(200, (int)response.StatusCode);
        var json = string.Concat(events.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l[6..])!)
            .Where(e => e["delta"]?["type"]?.GetValue<string>() == "input_json_delta").Select(e => e["delta"]!["partial_json"]!.GetValue<string>()));
        Assert.Equal("Paris", JsonNode.Parse(json)!["city"]!.GetValue<string>());
        Assert.Contains("\"stop_reason\":\"tool_use\"", events, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logprobs_AreReturnedFromAnOpenAiBackend()
    {
        using var response = await gateway.PostAsync("/v1/chat/completions", new JsonObject
        {
            ["model"] = "gpt-fake", ["logprobs"] = true, ["top_logprobs"] = 1,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hello there" }),
        });
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!;

        var tokens = body["choices"]![0]!["logprobs"]!["content"]!.AsArray();
        Assert.NotEmpty(tokens);
        Assert.Equal(body["choices"]![0]!["message"]!["content"]!.GetValue<string>(), string.Concat(tokens.Select(t => t!["token"]!.GetValue<string>())));
        Assert.Equal(-0.5, tokens[0]!["logprob"]!.GetValue<double>());
    }

    [Fact]
    public async Task Logprobs_AreReturnedInStreamedChunks()
    {
        using var response = await gateway.PostAsync("/v1/chat/completions", new JsonObject
        {
            ["model"] = "gpt-fake", ["logprobs"] = true, ["stream"] = true,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hello there" }),
        });
        var chunks = (await response.Content.ReadAsStringAsync(Cancel)).Split('\n')
            .Where(l => l.StartsWith("data: {", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l[6..])!).ToList();

        var text = string.Concat(chunks.Select(c => c["choices"]?[0]?["delta"]?["content"]?.GetValue<string>()));
        var tokens = string.Concat(chunks.SelectMany(c => c["choices"]?[0]?["logprobs"]?["content"]?.AsArray() ?? new JsonArray()).Select(t => t!["token"]!.GetValue<string>()));
        Assert.StartsWith("Echo from gpt-fake", text, StringComparison.Ordinal);
        Assert.Equal(text, tokens);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Completions_PassEveryOptionToTheBackend(bool stream)
    {
        var marker = "mk-" + Guid.NewGuid().ToString("N");
        using var response = await gateway.PostAsync("/v1/completions", new JsonObject
        {
            ["model"] = "gpt-fake", ["prompt"] = marker, ["stream"] = stream, ["max_tokens"] = 50, ["temperature"] = 0.2, ["top_p"] = 0.8,
            ["stop"] = new JsonArray("END"), ["seed"] = 11, ["presence_penalty"] = 0.1, ["frequency_penalty"] = 0.3, ["user"] = "u-7",
        });

        Assert.Equal(200, (int)response.StatusCode);
        var upstream = JsonNode.Parse(gateway.UpstreamRequestWith(marker)!.Body)!;
        Assert.Equal(0.8, upstream["top_p"]!.GetValue<double>());
        Assert.Equal("END", upstream["stop"]![0]!.GetValue<string>());
        Assert.Equal(11, upstream["seed"]!.GetValue<long>());
        Assert.Equal(0.1, upstream["presence_penalty"]!.GetValue<double>());
        Assert.Equal(0.3, upstream["frequency_penalty"]!.GetValue<double>());
        Assert.Equal("u-7", upstream["user"]!.GetValue<string>());
        Assert.Equal(0.2, upstream["temperature"]!.GetValue<double>());
        Assert.Equal(50, upstream["max_completion_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task EmbeddingTokenArrays_AreDecodedToTheirText()
    {
        // "hello world" and "alpha" in cl100k_base, as LangChain's OpenAIEmbeddings sends them.
        var tokens = new JsonArray(new JsonArray(15339, 1917), new JsonArray(7288));
        using var response = await gateway.PostAsync("/v1/embeddings", new JsonObject { ["model"] = "embed-fake", ["input"] = tokens, ["encoding_format"] = "float" });
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!;

        Assert.Equal(200, (int)response.StatusCode);
        var (_, _, inputs) = gateway.Upstream.Embeddings.Last(e => e.Inputs.Contains("alpha"));
        Assert.Equal(new[] { "hello world", "alpha" }, inputs);
        var expected = FakeBrain.Embed("alpha", 8);
        Assert.Equal(expected[0], body["data"]![1]!["embedding"]![0]!.GetValue<float>(), 5);
    }

    [Fact]
    public async Task EmbeddingSingleTokenArray_IsOneInput()
    {
        using var response = await gateway.PostAsync("/v1/embeddings", new JsonObject { ["model"] = "embed-fake", ["input"] = new JsonArray(7288), ["encoding_format"] = "float" });

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Single(JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!["data"]!.AsArray());
    }

    [Theory]
    [InlineData("[[1, \"x\"]]")]
    [InlineData("[1.5]")]
    [InlineData("[[]]")]
    [InlineData("[\"a\", 1]")]
    public async Task EmbeddingMixedInput_IsA400NamingInput(string input)
    {
        using var response = await gateway.PostAsync("/v1/embeddings", new JsonObject { ["model"] = "embed-fake", ["input"] = JsonNode.Parse(input) });
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!["error"]!;

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("input", error["param"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/v1/messages")]
    public async Task UpstreamModelNotFound_IsA502ForTheOperator(string path)
    {
        using var response = await gateway.PostAsync(path, new JsonObject
        {
            ["model"] = "misconfigured", ["max_tokens"] = 20,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hi" }),
        });
        var text = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!["error"]!["message"]!.GetValue<string>();

        Assert.Equal(502, (int)response.StatusCode);
        Assert.Contains("backend 'missing-model'", text, StringComparison.Ordinal);
        Assert.Contains("'error-404'", text, StringComparison.Ordinal);
        Assert.Contains("operator", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/v1/messages")]
    public async Task ClientModelTheGatewayDoesNotHave_StaysA404(string path)
    {
        using var response = await gateway.PostAsync(path, new JsonObject
        {
            ["model"] = "no-such-model", ["max_tokens"] = 20,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hi" }),
        });

        Assert.Equal(404, (int)response.StatusCode);
    }

    [Fact]
    public async Task DocumentByUrlToAnOpenAiBackend_IsA400NamingTheBlock_AndNothingIsSent()
    {
        var marker = "mk-" + Guid.NewGuid().ToString("N");
        using var response = await gateway.PostAsync("/v1/messages", JsonNode.Parse($$$"""
            {"model":"gpt-fake","max_tokens":20,"messages":[{"role":"user","content":[
              {"type":"document","source":{"type":"url","url":"https://example.com/a.pdf"}},{"type":"text","text":"{{{marker}}}"}]}]}
            """)!);
        var text = await response.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("document block", text, StringComparison.Ordinal);
        Assert.Null(gateway.UpstreamRequestWith(marker));
    }

    [Fact]
    public async Task DocumentSourceOfUnknownType_IsA400NamingTheField()
    {
        using var response = await gateway.PostAsync("/v1/messages", JsonNode.Parse("""
            {"model":"claude-fake","max_tokens":20,"messages":[{"role":"user","content":[{"type":"document","source":{"type":"file","file_id":"f"}}]}]}
            """)!);
        var text = await response.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("messages.0.content.0.source.type", text, StringComparison.Ordinal);
    }
}
