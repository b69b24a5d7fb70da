using System.Net;
using System.Text.Json.Nodes;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Responses;

/// <summary>
/// Stored responses: <c>item_reference</c> and <c>previous_response_id</c> continue a conversation, <c>GET</c>,
/// <c>DELETE</c> and <c>input_items</c> read and remove it, <c>store: false</c> keeps nothing — and only the key that
/// created a response can reach it.
/// </summary>
[Collection(nameof(GatewayCollection))]
public sealed class ResponsesStateTests(GatewayFixture gateway)
{
    private const string WeatherTool = """{"type":"function","name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}""";

    [Theory]
    [InlineData("gpt-fake")]
    [InlineData("claude-fake")]
    public async Task ItemReference_ToAnEarlierOutput_SendsThatItemToTheBackend(string model)
    {
        using var client = new RawResponsesClient(gateway.BaseUrl);
        var (_, first) = await client.CreateAsync($$"""{"model":"{{model}}","input":"remember the number 7"}""");
        var messageId = (string)first["output"]![0]!["id"]!;
        gateway.Upstream.ClearRequests();

        var (response, second) = await client.CreateAsync($$"""
            {"model":"{{model}}","input":[
              {"role":"user","content":"remember the number 7"},
              {"type":"item_reference","id":"{{messageId}}"},
              {"role":"user","content":"what was it?"}]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"Echo from {model}: what was it?", (string)second["output"]![0]!["content"]![0]!["text"]!);
        Assert.Contains($"Echo from {model}: remember the number 7", gateway.Upstream.Requests[^1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ToolLoop_WithItemReferences_ReachesTheFinalAnswer()
    {
        // What the Vercel AI SDK sends with store: true: the call as an item, or a reference to it, and its output.
        using var client = new RawResponsesClient(gateway.BaseUrl);
        var (_, first) = await client.CreateAsync($$"""{"model":"claude-fake","input":"Weather in Paris?","tools":[{{WeatherTool}}]}""");
        var call = first["output"]![0]!;

        var (response, second) = await client.CreateAsync($$"""
            {"model":"claude-fake","tools":[{{WeatherTool}}],"input":[
              {"role":"user","content":[{"type":"input_text","text":"Weather in Paris?"}]},
              {"type":"item_reference","id":"{{(string)call["id"]!}}"},
              {"type":"function_call_output","call_id":"{{(string)call["call_id"]!}}","output":"rainy, 12C"}]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("The tool said: rainy, 12C", (string)second["output"]![0]!["content"]![0]!["text"]!);
    }

    [Fact]
    public async Task PreviousResponseId_ContinuesTheConversation_AndIsEchoed()
    {
        using var client = new RawResponsesClient(gateway.BaseUrl);
        var (_, first) = await client.CreateAsync("""{"model":"gpt-fake","input":"my name is Ada","instructions":"only for the first turn"}""");
        gateway.Upstream.ClearRequests();

        var (response, second) = await client.CreateAsync($$"""{"model":"gpt-fake","input":"and who am I?","previous_response_id":"{{(string)first["id"]!}}"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((string)first["id"]!, (string)second["previous_response_id"]!);
        var messages = (JsonArray)JsonNode.Parse(gateway.Upstream.Requests[^1].Body)!["messages"]!;
        Assert.Equal(new[] { "user", "assistant", "user" }, messages.Select(m => (string)m!["role"]!));
        Assert.Equal("my name is Ada", (string)messages[0]!["content"]!);
        Assert.Equal("Echo from gpt-fake (system: only for the first turn): my name is Ada", (string)messages[1]!["content"]!);
    }

    [Fact]
    public async Task GetDeleteAndInputItems_ReadAndRemoveAStoredResponse()
    {
        using var client = new RawResponsesClient(gateway.BaseUrl);
        var (_, created) = await client.CreateAsync("""{"model":"gpt-fake","input":[{"role":"user","content":"one"},{"role":"user","content":"two"}]}""");
        var id = (string)created["id"]!;

        var (got, stored) = await client.SendAsync(HttpMethod.Get, $"/v1/responses/{id}");
        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        Assert.Equal(created.ToJsonString(), stored.ToJsonString());

        var (listed, items) = await client.SendAsync(HttpMethod.Get, $"/v1/responses/{id}/input_items?order=asc&limit=1");
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal("list", (string)items["object"]!);
        var item = Assert.Single((JsonArray)items["data"]!)!;
        Assert.Equal("one", (string)item["content"]!);
        Assert.StartsWith("msg_", (string)item["id"]!, StringComparison.Ordinal);
        Assert.True((bool)items["has_more"]!);

        var (deleted, confirmation) = await client.SendAsync(HttpMethod.Delete, $"/v1/responses/{id}");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.True((bool)confirmation["deleted"]!);
        var (gone, error) = await client.SendAsync(HttpMethod.Get, $"/v1/responses/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("invalid_request_error", (string)error["error"]!["type"]!);
    }

    [Fact]
    public async Task StoredResponse_IsInvisibleToAnotherKey()
    {
        using var owner = new RawResponsesClient(gateway.BaseUrl);
        using var stranger = new RawResponsesClient(gateway.BaseUrl, GatewayFixture.LimitedKey);
        var (_, created) = await owner.CreateAsync("""{"model":"gpt-fake","input":"a secret plan"}""");
        var id = (string)created["id"]!;
        var itemId = (string)created["output"]![0]!["id"]!;

        var (get, _) = await stranger.SendAsync(HttpMethod.Get, $"/v1/responses/{id}");
        var (items, _) = await stranger.SendAsync(HttpMethod.Get, $"/v1/responses/{id}/input_items");
        var (delete, _) = await stranger.SendAsync(HttpMethod.Delete, $"/v1/responses/{id}");
        var (previous, previousError) = await stranger.CreateAsync($$"""{"model":"gpt-fake","input":"go on","previous_response_id":"{{id}}"}""");
        var (reference, _) = await stranger.CreateAsync($$"""{"model":"gpt-fake","input":[{"type":"item_reference","id":"{{itemId}}"}]}""");

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, items.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, previous.StatusCode);
        Assert.Equal("previous_response_not_found", (string)previousError["error"]!["code"]!);
        Assert.Equal(HttpStatusCode.NotFound, reference.StatusCode);
        var (stillThere, _) = await owner.SendAsync(HttpMethod.Get, $"/v1/responses/{id}");
        Assert.Equal(HttpStatusCode.OK, stillThere.StatusCode);
    }

    [Fact]
    public async Task StoreFalse_KeepsNothing()
    {
        using var client = new RawResponsesClient(gateway.BaseUrl);
        var (_, created) = await client.CreateAsync("""{"model":"gpt-fake","input":"forget me","store":false}""");

        var (get, _) = await client.SendAsync(HttpMethod.Get, $"/v1/responses/{(string)created["id"]!}");
        var (reference, error) = await client.CreateAsync($$"""{"model":"gpt-fake","input":[{"type":"item_reference","id":"{{(string)created["output"]![0]!["id"]!}}"}]}""");

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, reference.StatusCode);
        Assert.Equal("input", (string)error["error"]!["param"]!);
    }

    [Fact]
    public async Task StreamedResponse_IsStoredWhenItCompletes()
    {
        using var client = new RawResponsesClient(gateway.BaseUrl);
        var (_, events) = await client.StreamAsync("""{"model":"claude-fake","input":"stream and keep","stream":true}""");
        var completed = events[^1].Data["response"]!;

        var (get, stored) = await client.SendAsync(HttpMethod.Get, $"/v1/responses/{(string)completed["id"]!}");

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(completed.ToJsonString(), stored.ToJsonString());
    }

    [Fact]
    public async Task UnknownId_Is404InOpenAisShape()
    {
        using var client = new RawResponsesClient(gateway.BaseUrl);

        var (response, body) = await client.SendAsync(HttpMethod.Get, "/v1/responses/resp_doesnotexist");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("resp_doesnotexist", (string)body["error"]!["message"]!, StringComparison.Ordinal);
    }
}
