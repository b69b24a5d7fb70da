using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Tokens;

namespace Mostlyucid.LlmBackend.Tests.Tokens;

public class TokenEstimatorTests
{
    [Theory]
    [InlineData("gpt-4o-mini", TokenEstimator.O200kBase)]
    [InlineData("gpt-4.1", TokenEstimator.O200kBase)]
    [InlineData("o3-mini", TokenEstimator.O200kBase)]
    [InlineData("claude-sonnet-4-5", TokenEstimator.O200kBase)]
    [InlineData(null, TokenEstimator.O200kBase)]
    [InlineData("gpt-4", TokenEstimator.Cl100kBase)]
    [InlineData("gpt-4-turbo", TokenEstimator.Cl100kBase)]
    [InlineData("gpt-3.5-turbo", TokenEstimator.Cl100kBase)]
    [InlineData("openai/text-embedding-3-small", TokenEstimator.Cl100kBase)]
    public void EncodingFor_PicksTheModelsVocabulary(string? model, string expected) =>
        Assert.Equal(expected, TokenEstimator.EncodingFor(model));

    [Fact]
    public void CountText_CountsRealBpeTokens()
    {
        Assert.Equal(2, TokenEstimator.CountText("hello world", "gpt-4o"));
        Assert.Equal(0, TokenEstimator.CountText(string.Empty));
        Assert.True(TokenEstimator.CountText(string.Concat(Enumerable.Repeat("tokenization ", 100)), "gpt-4o") >= 100);
    }

    [Fact]
    public void Decode_TurnsCl100kIdsBackIntoText() =>
        Assert.Equal("hello world", TokenEstimator.Decode(new[] { 15339, 1917 }, TokenEstimator.Cl100kBase));

    [Fact]
    public void Decode_UnknownEncoding_Throws() =>
        Assert.Throws<ArgumentException>(() => TokenEstimator.Decode(new[] { 1 }, "p50k_base"));

    [Fact]
    public void CountChat_AddsFramingPerMessageAndForTheReply()
    {
        var request = new ChatRequest
        {
            Model = "gpt-4o",
            Messages = { new ChatMessage { Role = ChatRole.System, Content = "Be brief." }, new ChatMessage { Role = ChatRole.User, Content = "one two three" } },
        };

        // 3 for the reply; per message 3 + the role (1) + the text (3 and 3).
        Assert.Equal(17, TokenEstimator.CountChat(request));
    }

    [Fact]
    public void CountChat_CountsToolsImagesAndToolCalls()
    {
        var plain = new ChatRequest { Model = "gpt-4o", Messages = { new ChatMessage { Content = "hi" } } };
        var rich = new ChatRequest
        {
            Model = "gpt-4o",
            Messages =
            {
                new ChatMessage { Parts = new() { ContentPart.FromText("hi"), ContentPart.FromImageUrl("https://example.com/a.png") } },
                new ChatMessage { Role = ChatRole.Assistant, ToolCalls = new() { new ToolCall { Id = "c1", Name = "get_weather", Arguments = """{"city":"Paris"}""" } } },
            },
            Tools = new() { new ToolDefinition { Name = "get_weather", Description = "Current weather" } },
        };

        Assert.True(TokenEstimator.CountChat(rich) > TokenEstimator.CountChat(plain) + TokenEstimator.ImageTokens);
    }
}
