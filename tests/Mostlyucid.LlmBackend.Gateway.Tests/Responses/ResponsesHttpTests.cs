using System.Net;
using System.Text.Json.Nodes;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Responses;

/// <summary>
/// <c>POST /v1/responses</c> over raw HTTP against the fake provider, through an OpenAI-format backend (<c>gpt-fake</c>)
/// and an Anthropic-format one (<c>claude-fake</c>): the Response object's every required field, the event sequence of a
/// stream, tools, structured output and errors.
/// </summary>
[Collection(nameof(GatewayCollection))]
public sealed class ResponsesHttpTests(GatewayFixture gateway)
{
    private const string WeatherTool = """{"type":"function","name":"get_weather","description":"Current weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]},"strict":null}""";

    [Theory]
    [InlineData("gpt-fake", "openai-upstream")]
    [InlineData("claude-fake", "anthropic-upstream")]
    public async Task Create_StringInput_IsAWholeResponseObject(string model, string backend)
    {
        using var client = new RawResponsesClient(gateway.BaseUrl);

        var (response, body) = await client.CreateAsync($$$"""{"model":"{{{model}}}","input":"Hello there","text":{},"reasoning":null,"metadata":{"run":"1"}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(backend, response.Headers.GetValues("x-llmb-backend").Single());
        Assert.True(response.Headers.Contains("x-request-id"));
        Assert.StartsWith("resp_", (string)body["id"]!, StringComparison.Ordinal);
        Assert.Equal("response", (string)body["object"]!);
        Assert.Equal("completed", (string)body["status"]!);
        Assert.Equal(model, (string)body["model"]!);
        Assert.True((long)body["created_at"]! > 1_700_000_000);
        foreach (var field in new[] { "error", "incomplete_details", "instructions", "previous_response_id", "max_output_tokens" })
        {
            Assert.True(((JsonObject)body).ContainsKey(field), field);
        }

        Assert.True((bool)body["parallel_tool_calls"]!);
        Assert.Equal("auto", (string)body["tool_choice"]!);
        Assert.Empty((JsonArray)body["tools"]!);
        Assert.Equal("text", (string)body["text"]!["format"]!["type"]!);
        Assert.Equal("1", (string)body["metadata"]!["run"]!);
        var message = Assert.Single((JsonArray)body["output"]!)!;
        Assert.Equal("message", (string)message["type"]!);
        Assert.StartsWith("msg_", (string)message["id"]!, StringComparison.Ordinal);
        Assert.Equal("completed", (string)message["status"]!);
        Assert.Equal("assistant", (string)message["role"]!);
        var part = Assert.Single((JsonArray)message["content"]!)!;
        Assert.Equal("output_text", (string)part["type"]!);
        Assert.Equal($"Echo from {model}: Hello there", (string)part["text"]!);
        Assert.Empty((JsonArray)part["annotations"]!);
        Assert.Empty((JsonArray)part["logprobs"]!);
        var usage = body["usage"]!;
        Assert.True((int)usage["input_tokens"]! > 0);
        Assert.True((int)usage["output_tokens"]! > 0);
        Assert.Equal((int)usage["input_tokens"]! + (int)usage["output_tokens"]!, (int)usage["total_tokens"]!);
        Assert.Equal(0, (int)usage["input_tokens_details"]!["cached_tokens"]!);
        Assert.Equal(0, (int)usage["output_tokens_details"]!["reasoning_tokens"]!);
    }

    [Theory]
    [InlineData("gpt-fake")]
    [InlineData("claude-fake")]
    public async Task Create_ItemsAndInstructions_ReachTheBackendAsSystemAndConversation(string model)
    {
        using var client = new RawResponsesClient(gateway.BaseUrl);
        gateway.Upstream.ClearRequests();

        var (response, body) = await client.CreateAsync($$"""
            {"model":"{{model}}","instructions":"Be brief","store":false,"input":[
              {"role":"user","content":"first question"},
              {"type":"message","role":"assistant","content":[{"type":"output_text","text":"first answer","annotations":[]}]},
              {"type":"message","role":"user","content":[{"type":"input_text","text":"second question"}]}]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Be brief", (string)body["instructions"]!);
        Assert.False((bool)body["store"]!);
        Assert.Equal($"Echo from {model} (system: Be brief): second question", (string)body["output"]![0]!["content"]![0]!["text"]!);
        var sent = gateway.Upstream.Requests[^1].Body;
        Assert.Contains("first answer", sent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gpt-fake")]
    [InlineData("claude-fake")]
    public async Task Stream_SendsTheEventSequenceInOrder_WithSequenceNumbersAndUsage(string model)
    {
        using var client = new RawResponsesClient(gateway.BaseUrl);

        var (response, events) = await client.StreamAsync($$"""{"model":"{{model}}","input":"stream some words please","stream":true}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var names = events.Select(e => e.Name).ToList();
        Assert.Equal(new[] { "response.created", "response.in_progress", "response.output_item.added", "response.content_part.added" }, names.Take(4));
        Assert.Equal(new[] { "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed" }, names.TakeLast(4));
        Assert.All(names.Skip(4).SkipLast(4), n => Assert.Equal("response.output_text.delta", n));
        Assert.True(names.Count(n => n == "response.output_text.delta") > 1, "the text arrives in several deltas");
        for (var i = 0; i < events.Count; i++)
        {
            Assert.Equal(events[i].Name, (string)events[i].Data["type"]!);
            Assert.Equal(i, (int)events[i].Data["sequence_number"]!);
        }

        var created = events[0].Data["response"]!;
        Assert.Equal("in_progress", (string)created["status"]!);
        Assert.Empty((JsonArray)created["output"]!);
        var itemId = (string)events[2].Data["item"]!["id"]!;
        Assert.All(events.Where(e => e.Name == "response.output_text.delta"), e => Assert.Equal(itemId, (string)e.Data["item_id"]!));
        var text = string.Concat(events.Where(e => e.Name == "response.output_text.delta").Select(e => (string)e.Data["delta"]!));
        Assert.Equal($"Echo from {model}: stream some words please", text);
        Assert.Equal(text, (string)events[^4].Data["text"]!);
        var completed = events[^1].Data["response"]!;
        Assert.Equal("completed", (string)completed["status"]!);
        Assert.Equal((string)created["id"]!, (string)completed["id"]!);
        Assert.Equal(text, (string)completed["output"]![0]!["content"]![0]!["text"]!);
        Assert.True((int)completed["usage"]!["output_tokens"]! > 0);
        Assert.True((int)completed["usage"]!["input_tokens"]! > 0);
    }

    [Theory]
    [InlineData("gpt-fake")]
    [InlineData("claude-fake")]
    public async Task FunctionTool_RoundTrip_CallThenOutputThenAnswer(string model)
    {
        using var client = new RawResponsesClient(gateway.BaseUrl);

        var (_, first) = await client.CreateAsync($$"""{"model":"{{model}}","input":"Weather in Paris?","tools":[{{WeatherTool}}],"tool_choice":"auto","store":false}""");
        var call = Assert.Single((JsonArray)first["output"]!)!;
        Assert.Equal("function_call", (string)call["type"]!);
        Assert.StartsWith("fc_", (string)call["id"]!, StringComparison.Ordinal);
        Assert.Equal("completed", (string)call["status"]!);
        Assert.Equal("get_weather", (string)call["name"]!);
        Assert.Equal("Paris", (string)JsonNode.Parse((string)call["arguments"]!)!["city"]!);
        Assert.Equal("get_weather", (string)first["tools"]![0]!["name"]!);

        var (response, second) = await client.CreateAsync($$"""
            {"model":"{{model}}","tools":[{{WeatherTool}}],"store":false,"input":[
              {"role":"user","content":"Weather in Paris?"},
              {{call.ToJsonString()}},
              {"type":"function_call_output","call_id":"{{(string)call["call_id"]!}}","output":"sunny, 21C"}]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("The tool said: sunny, 21C", (string)second["output"]![0]!["content"]![0]!["text"]!);
    }

    [Theory]
    [InlineData("gpt-fake")]
    [InlineData("claude-fake")]
    public async Task FunctionTool_Streamed_SendsArgumentDeltasAndDone(string model)
    {
        using var client = new RawResponsesClient(gateway.BaseUrl);

        var (_, events) = await client.StreamAsync($$"""{"model":"{{model}}","input":"Weather in Paris?","tools":[{{WeatherTool}}],"stream":true,"store":false}""");

        var names = events.Select(e => e.Name).ToList();
        var added = events.Single(e => e.Name == "response.output_item.added").Data;
        Assert.Equal("function_call", (string)added["item"]!["type"]!);
        Assert.Equal("get_weather", (string)added["item"]!["name"]!);
        Assert.Equal("in_progress", (string)added["item"]!["status"]!);
        var deltas = events.Where(e => e.Name == "response.function_call_arguments.delta").Select(e => e.Data).ToList();
        Assert.NotEmpty(deltas);
        var done = events.Single(e => e.Name == "response.function_call_arguments.done").Data;
        Assert.Equal(string.Concat(deltas.Select(d => (string)d["delta"]!)), (string)done["arguments"]!);
        Assert.Equal("Paris", (string)JsonNode.Parse((string)done["arguments"]!)!["city"]!);
        Assert.True(names.IndexOf("response.function_call_arguments.done") < names.IndexOf("response.output_item.done"));
        var item = events.Single(e => e.Name == "response.output_item.done").Data["item"]!;
        Assert.Equal("completed", (string)item["status"]!);
        Assert.Equal((string)added["item"]!["call_id"]!, (string)item["call_id"]!);
        Assert.Equal("function_call", (string)events[^1].Data["response"]!["output"]![0]!["type"]!);
    }

    [Theory]
    [InlineData("gpt-fake")]
    [InlineData("claude-fake")]
    public async Task TextFormatJsonSchema_IsStructuredOutputOnEveryBackend(string model)
    {
        using var client = new RawResponsesClient(gateway.BaseUrl);
        gateway.Upstream.ClearRequests();

        var (response, body) = await client.CreateAsync("""
            {"model":"MODEL","input":"Weather?","store":false,"text":{"format":{"type":"json_schema","name":"weather","strict":true,
             "schema":{"type":"object","properties":{"city":{"type":"string"},"temperature":{"type":"number"}},"required":["city","temperature"],"additionalProperties":false}}}}
            """.Replace("MODEL", model, StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("json_schema", (string)body["text"]!["format"]!["type"]!);
        Assert.Equal("weather", (string)body["text"]!["format"]!["name"]!);
        var answer = JsonNode.Parse((string)body["output"]![0]!["content"]![0]!["text"]!)!;
        Assert.Equal("Paris", (string)answer["city"]!);
        Assert.Equal(21, (int)answer["temperature"]!);
        var sent = JsonNode.Parse(gateway.Upstream.Requests[^1].Body)!;
        if (model == "gpt-fake")
        {
            Assert.Equal("json_schema", (string)sent["response_format"]!["type"]!);
            Assert.Equal("weather", (string)sent["response_format"]!["json_schema"]!["name"]!);
        }
        else
        {
            Assert.Contains("must match this JSON Schema", sent["system"]!.ToJsonString(), StringComparison.Ordinal);
            Assert.Contains("temperature", sent["system"]!.ToJsonString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("""{"model":"gpt-fake"}""", "input")]
    [InlineData("""{"model":"gpt-fake","input":42}""", "input")]
    [InlineData("""{"model":"gpt-fake","input":[{"type":"message","role":"user","content":[{"type":"input_txt","text":"x"}]}]}""", "input[0].content[0].type")]
    [InlineData("""{"model":"gpt-fake","input":[{"type":"message","role":"robot","content":"x"}]}""", "input[0].role")]
    [InlineData("""{"model":"gpt-fake","input":[{"type":"function_call_output","output":"x"}]}""", "input[0].call_id")]
    [InlineData("""{"model":"gpt-fake","input":[{"type":"web_search_call","id":"ws_1"}]}""", "input[0].type")]
    [InlineData("""{"model":"gpt-fake","input":"x","tools":[{"type":"web_search"}]}""", "tools[0].type")]
    [InlineData("""{"model":"gpt-fake","input":"x","tools":[{"type":"function"}]}""", "tools[0].name")]
    [InlineData("""{"model":"gpt-fake","input":"x","tool_choice":"sometimes"}""", "tool_choice")]
    [InlineData("""{"model":"gpt-fake","input":"x","text":{"format":{"type":"json_schema","name":"x"}}}""", "text.format.schema")]
    [InlineData("""{"model":"gpt-fake","input":"x","text":{"format":{"type":"xml"}}}""", "text.format.type")]
    [InlineData("""{"model":"gpt-fake","input":"x","temperature":"hot"}""", "temperature")]
    [InlineData("""{"model":"gpt-fake","input":"x","max_output_tokens":0}""", "max_output_tokens")]
    [InlineData("""{"model":"gpt-fake","input":"x","background":true}""", "background")]
    [InlineData("""{"model":"gpt-fake","input":"x","metadata":{"n":1}}""", "metadata.n")]
    [InlineData("""{"input":"x"}""", "model")]
    public async Task BadInput_Is400NamingTheField_WithoutCallingABackend(string json, string field)
    {
        using var client = new RawResponsesClient(gateway.BaseUrl);
        var before = gateway.Upstream.Requests.Count;

        var (response, body) = await client.CreateAsync(json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", (string)body["error"]!["type"]!);
        Assert.Equal(field, (string)body["error"]!["param"]!);
        Assert.Contains(field, (string)body["error"]!["message"]!, StringComparison.Ordinal);
        Assert.Equal(before, gateway.Upstream.Requests.Count);
    }

    [Fact]
    public async Task UnknownModel_Is404InOpenAisShape()
    {
        using var client = new RawResponsesClient(gateway.BaseUrl);

        var (response, body) = await client.CreateAsync("""{"model":"no-such-model","input":"x","stream":true}""");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("model_not_found", (string)body["error"]!["code"]!);
        Assert.Equal("model", (string)body["error"]!["param"]!);
    }

    [Fact]
    public async Task UpstreamFailure_IsAnHttpErrorBeforeTheStreamStarts()
    {
        using var client = new RawResponsesClient(gateway.BaseUrl);

        var (response, body) = await client.CreateAsync("""{"model":"error-429","input":"x","stream":true}""");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("rate_limit_error", (string)body["error"]!["type"]!);
    }

    [Fact]
    public async Task MaxOutputTokens_CutAnswer_IsIncompleteWithItsReason()
    {
        using var client = new RawResponsesClient(gateway.BaseUrl);

        var (_, body) = await client.CreateAsync("""{"model":"gpt-fake","input":"one two three four five six","max_output_tokens":3,"store":false}""");

        Assert.Equal("incomplete", (string)body["status"]!);
        Assert.Equal("max_output_tokens", (string)body["incomplete_details"]!["reason"]!);
        Assert.Equal("incomplete", (string)body["output"]![0]!["status"]!);
        Assert.Equal(3, (int)body["max_output_tokens"]!);
    }
}
