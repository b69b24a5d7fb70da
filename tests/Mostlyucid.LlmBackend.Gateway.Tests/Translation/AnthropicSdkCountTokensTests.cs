using System.Text.Json.Nodes;
using Anthropic;
using Anthropic.Core;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Translation;

/// <summary>
/// <c>POST /v1/messages/count_tokens</c> and the <c>request-id</c> header, through the official Anthropic .NET SDK: exact
/// through an Anthropic backend, an estimate (said so in a header) otherwise; the request id the SDK reads on answers,
/// streams and errors.
/// </summary>
public sealed class AnthropicSdkCountTokensTests(TranslationFixture gateway) : IClassFixture<TranslationFixture>
{
    private CancellationToken Cancel => TestContext.Current.CancellationToken;

    private AnthropicClient Client(string key = TranslationFixture.Key) =>
        new(new ClientOptions { BaseUrl = gateway.BaseUrl, ApiKey = key, MaxRetries = 0 });

    private static MessageCountTokensParams Count(string model) => new()
    {
        Model = model,
        System = "Be brief and kind.",
        Messages = new List<MessageParam> { new UserMessageParam { Content = "How many tokens are in this question?" } },
    };

    [Fact]
    public async Task CountTokens_ThroughAnAnthropicBackend_IsItsExactCount()
    {
        var marker = "mk-" + Guid.NewGuid().ToString("N");
        var counted = await Client().Messages.CountTokens(new MessageCountTokensParams
        {
            Model = "claude-fake",
            System = "Be brief and kind.",
            Messages = new List<MessageParam> { new UserMessageParam { Content = "How many tokens are in " + marker } },
        }, Cancel);

        // The fake counts words: 4 in the system prompt, 6 in the question (the marker is one).
        Assert.Equal(10, counted.InputTokens);
        var upstream = gateway.UpstreamRequestWith(marker);
        Assert.NotNull(upstream);
        Assert.Equal("/v1/messages/count_tokens", upstream.Path);
        Assert.Null(JsonNode.Parse(upstream.Body)!["max_tokens"]);
    }

    [Fact]
    public async Task CountTokens_ThroughAnotherBackend_IsAnEstimateSaidSoInAHeader()
    {
        var raw = await Client().WithRawResponse.Messages.CountTokens(Count("gpt-fake"), Cancel);
        var counted = await raw.Deserialize(Cancel);

        // o200k_base: "Be brief and kind." is 5 tokens, the question 8; 3 per message and 3 for the reply.
        Assert.InRange(counted.InputTokens, 19, 25);
        Assert.Equal("estimate", raw.RawMessage.Headers.GetValues("x-llmb-token-count").Single());
        Assert.Equal("o200k_base", raw.RawMessage.Headers.GetValues("x-llmb-tokenizer").Single());
        Assert.StartsWith("req_", raw.RequestID, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CountTokens_ExactCount_SaysExact()
    {
        var raw = await Client().WithRawResponse.Messages.CountTokens(Count("claude-fake"), Cancel);

        Assert.Equal("exact", raw.RawMessage.Headers.GetValues("x-llmb-token-count").Single());
        Assert.False(raw.RawMessage.Headers.Contains("x-llmb-tokenizer"));
        Assert.Equal("anthropic", raw.RawMessage.Headers.GetValues("x-llmb-backend").Single());
    }

    [Theory]
    [InlineData("no-such-model", TranslationFixture.Key, 404)]
    [InlineData("claude-fake", "wrong-key-0123456789", 401)]
    public async Task CountTokens_Errors_HaveAnthropicsStatusesAndARequestId(string model, string key, int status)
    {
        var error = await Assert.ThrowsAnyAsync<AnthropicApiException>(() => Client(key).Messages.CountTokens(Count(model), Cancel));

        Assert.Equal(status, (int)error.StatusCode);
        Assert.StartsWith("req_", error.RequestID, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CountTokens_WithoutMessages_IsA400NamingTheField()
    {
        using var response = await gateway.PostAsync("/v1/messages/count_tokens", new JsonObject { ["model"] = "claude-fake" });
        var text = await response.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("messages", text, StringComparison.Ordinal);
        Assert.StartsWith("req_", response.Headers.GetValues("request-id").Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("claude-fake")]
    [InlineData("gpt-fake")]
    public async Task RequestId_IsWhereTheSdkReadsIt_OnAnswers(string model)
    {
        var raw = await Client().WithRawResponse.Messages.Create(new MessageCreateParams
        {
            Model = model,
            MaxTokens = 50,
            Messages = new List<MessageParam> { new UserMessageParam { Content = "hi" } },
        }, Cancel);

        Assert.StartsWith("req_", raw.RequestID, StringComparison.Ordinal);
        Assert.Equal(raw.RequestID, raw.RawMessage.Headers.GetValues("x-request-id").Single());
        var message = await raw.Deserialize(Cancel);
        Assert.Equal("msg_" + raw.RequestID, message.ID);
    }

    [Fact]
    public async Task RequestId_IsWhereTheSdkReadsIt_OnStreams()
    {
        var raw = await Client().WithRawResponse.Messages.CreateStreaming(new MessageCreateParams
        {
            Model = "claude-fake",
            MaxTokens = 50,
            Messages = new List<MessageParam> { new UserMessageParam { Content = "stream please" } },
        }, Cancel);

        Assert.StartsWith("req_", raw.RequestID, StringComparison.Ordinal);
        var events = 0;
        await foreach (var _ in raw.Enumerate(Cancel))
        {
            events++;
        }

        Assert.True(events > 3);
    }

    [Fact]
    public async Task RequestId_IsWhereTheSdkReadsIt_OnUpstreamErrors()
    {
        var error = await Assert.ThrowsAnyAsync<AnthropicApiException>(() => Client().Messages.Create(new MessageCreateParams
        {
            Model = "misconfigured",
            MaxTokens = 50,
            Messages = new List<MessageParam> { new UserMessageParam { Content = "hi" } },
        }, Cancel));

        Assert.Equal(502, (int)error.StatusCode);
        Assert.StartsWith("req_", error.RequestID, StringComparison.Ordinal);
    }
}
