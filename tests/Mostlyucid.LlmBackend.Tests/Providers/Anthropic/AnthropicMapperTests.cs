using System.Text.Json;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Providers.Anthropic;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Providers.Anthropic;

/// <summary>How conversations are reshaped for the Messages API, which wants alternating roles and no system role.</summary>
public class AnthropicMapperTests
{
    /// <summary>Sends a request through the backend (for the real tool-argument parsing) and returns the body it sent.</summary>
    private static async Task<JsonNode> WireAsync(ChatRequest request, int? defaultMaxTokens = null)
    {
        var handler = new CannedHttpHandler(WireFormat.Sample("Anthropic", "messages-response.json"));
        var backend = WireFormat.CreateBuiltIn(new LlmBackendConfig { Name = "anthropic", Type = "Anthropic", ApiKey = "k", ModelName = "claude", MaxOutputTokens = defaultMaxTokens }, handler);
        var response = await backend.ChatAsync(request);
        Assert.True(response.Success, response.ErrorMessage);
        return JsonNode.Parse(Assert.Single(handler.Requests).Body)!;
    }

    private static async Task<JsonNode> MessagesAsync(params ChatMessage[] messages) => (await WireAsync(new ChatRequest { Messages = messages.ToList() }))["messages"]!;

    [Fact]
    public async Task ParallelToolResults_TravelInOneUserMessage_AfterTheAssistantsToolUses()
    {
        var messages = await MessagesAsync(
            new ChatMessage { Content = "Weather and time?" },
            new ChatMessage
            {
                Role = ChatRole.Assistant,
                ToolCalls = new() { new ToolCall { Id = "t1", Name = "get_weather", Arguments = """{"city":"Paris"}""" }, new ToolCall { Id = "t2", Name = "get_time", Arguments = "not json" } },
            },
            new ChatMessage { Role = ChatRole.Tool, ToolCallId = "t1", Content = "rain" },
            new ChatMessage { Role = ChatRole.Tool, ToolCallId = "t2", Content = "noon" },
            new ChatMessage { Content = "Thanks" });

        var expected = JsonNode.Parse("""
            [
              { "role": "user", "content": [ { "type": "text", "text": "Weather and time?" } ] },
              { "role": "assistant", "content": [
                  { "type": "tool_use", "id": "t1", "name": "get_weather", "input": { "city": "Paris" } },
                  { "type": "tool_use", "id": "t2", "name": "get_time", "input": { "raw_arguments": "not json" } } ] },
              { "role": "user", "content": [
                  { "type": "tool_result", "tool_use_id": "t1", "content": "rain" },
                  { "type": "tool_result", "tool_use_id": "t2", "content": "noon" },
                  { "type": "text", "text": "Thanks" } ] }
            ]
            """);
        Assert.True(JsonNode.DeepEquals(expected, messages), messages.ToJsonString());
    }

    [Fact]
    public async Task SameRoleMessages_AreMerged_AndEmptyOrUnsignedOnesAreNotSent()
    {
        var messages = await MessagesAsync(
            new ChatMessage { Content = "one" },
            new ChatMessage { Role = "User", Content = "two" },
            new ChatMessage { Role = ChatRole.Assistant, Content = string.Empty },
            new ChatMessage { Role = ChatRole.Assistant, Content = "answer", Reasoning = "unsigned thoughts from another provider" },
            new ChatMessage { Role = ChatRole.User, Content = string.Empty });

        var expected = JsonNode.Parse("""
            [
              { "role": "user", "content": [ { "type": "text", "text": "one" }, { "type": "text", "text": "two" } ] },
              { "role": "assistant", "content": [ { "type": "text", "text": "answer" } ] }
            ]
            """);
        Assert.True(JsonNode.DeepEquals(expected, messages), messages.ToJsonString());
    }

    [Fact]
    public async Task ImageByUrl_IsAUrlSource_AndADataUrl_IsABase64Source()
    {
        var messages = await MessagesAsync(new ChatMessage
        {
            Parts = new() { ContentPart.FromImageUrl("https://example.com/cat.jpg"), ContentPart.FromImageUrl("data:image/gif;base64,R0lGOA==") },
        });

        var expected = JsonNode.Parse("""
            [ { "role": "user", "content": [
                { "type": "image", "source": { "type": "url", "url": "https://example.com/cat.jpg" } },
                { "type": "image", "source": { "type": "base64", "media_type": "image/gif", "data": "R0lGOA==" } } ] } ]
            """);
        Assert.True(JsonNode.DeepEquals(expected, messages), messages.ToJsonString());
    }

    [Theory]
    [InlineData(ToolChoiceMode.Auto, null, null, """{"type":"auto"}""")]
    [InlineData(ToolChoiceMode.None, null, false, """{"type":"none"}""")]
    [InlineData(ToolChoiceMode.Required, null, false, """{"type":"any","disable_parallel_tool_use":true}""")]
    [InlineData(ToolChoiceMode.Function, "get_weather", null, """{"type":"tool","name":"get_weather"}""")]
    public async Task ToolChoice_IsMappedToAnthropicsWords(ToolChoiceMode mode, string? name, bool? parallel, string expected)
    {
        var request = new ChatRequest
        {
            Messages = { new ChatMessage { Content = "hi" } },
            Tools = new() { new ToolDefinition { Name = "get_weather" } },
            ToolChoice = new ToolChoice { Mode = mode, FunctionName = name },
            ParallelToolCalls = parallel,
        };

        var wire = await WireAsync(request);

        Assert.Equal(expected, wire["tool_choice"]!.ToJsonString());
        Assert.Equal("""[{"name":"get_weather","input_schema":{"type":"object","properties":{}}}]""", wire["tools"]!.ToJsonString());
    }

    [Fact]
    public async Task ToolChoice_WithoutTools_IsNotSent()
    {
        var wire = await WireAsync(new ChatRequest { Messages = { new ChatMessage { Content = "hi" } }, ToolChoice = ToolChoice.Required, ParallelToolCalls = false });

        Assert.Null(wire["tool_choice"]);
        Assert.Null(wire["tools"]);
    }

    [Fact]
    public async Task JsonSchemaFormat_IsAskedForInTheSystemPrompt()
    {
        var request = new ChatRequest
        {
            Messages = { new ChatMessage { Role = ChatRole.System, Content = "Be terse." }, new ChatMessage { Content = "weather?" } },
            ResponseFormat = ResponseFormat.ForSchema("weather", JsonDocument.Parse("""{"type":"object","properties":{"temp":{"type":"number"}}}""").RootElement),
        };

        var system = (await WireAsync(request))["system"]!.GetValue<string>();

        Assert.Equal(
            "Be terse.\n\nRespond with only a JSON object, with no other text before or after it and no Markdown code fence. "
            + "The object must match this JSON Schema (\"weather\"):\n{\"type\":\"object\",\"properties\":{\"temp\":{\"type\":\"number\"}}}",
            system);
    }

    [Theory]
    [InlineData(null, null, null, 4096)]
    [InlineData(null, 1000, null, 1000)]
    [InlineData(300, 1000, null, 300)]
    [InlineData(null, null, 8000, 8000 + 4096)]
    [InlineData(null, 2000, 1024, 2000)]
    [InlineData(500, null, 1024, 500)]
    public async Task MaxTokens_IsAlwaysSent_AndLeavesRoomForTheThinkingBudget(int? requested, int? configured, int? budget, int expected)
    {
        var request = new ChatRequest { Messages = { new ChatMessage { Content = "hi" } }, MaxTokens = requested, ThinkingBudgetTokens = budget };

        Assert.Equal(expected, (await WireAsync(request, configured))["max_tokens"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("end_turn", FinishReasons.Stop)]
    [InlineData("stop_sequence", FinishReasons.Stop)]
    [InlineData("pause_turn", FinishReasons.Stop)]
    [InlineData("max_tokens", FinishReasons.Length)]
    [InlineData("tool_use", FinishReasons.ToolCalls)]
    [InlineData("refusal", FinishReasons.ContentFilter)]
    [InlineData("something_new", "something_new")]
    public void StopReason_IsMappedToTheSharedFinishReasons(string stopReason, string expected)
    {
        Assert.Equal(expected, AnthropicMapper.FinishReason(stopReason));
    }
}
